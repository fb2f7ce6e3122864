// libFuzzer target: ONNX import (protobuf parse, limits, shape evaluation and control flow,
// folding, shape inference in the batchscope-onnx-worker process, op mapping) followed by
// preparing and evaluating the model. Seeds: tests/data, its malformed files, and
// tests/fuzz/seeds/onnx (If, Loop, Scan, shape arithmetic, QDQ, opset 20). Anything but OnnxError /
// EngineError (a clear message) is a finding.
#include "base/EngineError.h"
#include "eval/Evaluator.h"
#include "graph/PreparedModel.h"
#include "hardware/PresetLoader.h"
#include "onnx/OnnxImport.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bs::PresetLibrary lib = bs::PresetLibrary::shipped();
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        bs::OnnxModel m;
        try {
            m = bs::importOnnxBytes(bytes, "fuzz.onnx");
        } catch (const bs::OnnxUnboundDimsError& e) { // symbolic dims: bind each to 8, as --dim would
            std::map<std::string, std::int64_t> dims;
            for (const std::string& n : e.names)
                dims[n] = 8;
            m = bs::importOnnxBytes(bytes, "fuzz.onnx", bs::OnnxImportOptions::withDims(dims));
        }
        const bs::PreparedModel model(std::move(m.graph));
        const bs::HardwarePreset* hw = lib.find("h100-sxm");
        bs::evaluate({&model, hw, bs::Precision::BF16}, 2);
    } catch (const bs::OnnxError&) {
    } catch (const bs::EngineError&) {
    }
    return 0;
}
