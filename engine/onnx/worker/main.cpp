// batchscope-onnx-worker: runs libonnx shape inference for the importer, in a process of its own
// (engine/OnnxInference.h says why). Started by the importer with its socket as standard input;
// not meant to be run by hand.
#include "onnx/OnnxInference.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--parent") != 0 || isatty(0)) {
        std::fprintf(stderr, "batchscope-onnx-worker: started by batchscope's ONNX importer, not by hand\n");
        return 2;
    }
    // _Exit: nothing to flush, and libonnx's schema registry is not worth a leak report at exit.
    std::_Exit(bs::onnximport::shapeInferenceWorkerMain(0));
}
