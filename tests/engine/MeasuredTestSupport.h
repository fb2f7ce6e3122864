#pragma once
// Helpers shared by the measured-data and calibration tests.
#include "eval/Evaluator.h"
#include "measured/Measured.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <random>
#include <string>
#include <vector>

namespace bs::test {

inline QJsonObject presetJson(const std::string& file) {
    QFile f(QString::fromStdString(file));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// Latencies the engine gives `hw` for `model` at `batches`, each × (1 + noise) with a fixed seed.
inline std::vector<MeasuredPoint> synthetic(const PreparedModel& model, const HardwarePreset& hw, Precision p,
                                            const std::vector<int>& batches, double noise, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-noise, noise);
    std::vector<MeasuredPoint> out;
    for (int b : batches) {
        MeasuredPoint m;
        m.batch = b;
        m.latency_s = evaluateTotals({&model, &hw, p}, b).latency_s * (1 + u(rng));
        out.push_back(m);
    }
    return out;
}

} // namespace bs::test
