#include "model/ModelSummaryText.h"

namespace bs {

QString parametersText(const PreparedModel& m) {
    const double n = static_cast<double>(m.params());
    return n >= 1e9 ? QStringLiteral("%1 B parameters").arg(n / 1e9, 0, 'f', 2)
                    : QStringLiteral("%1 M parameters").arg(n / 1e6, 0, 'f', 2);
}

QString summaryText(const OnnxSummary& s, const PreparedModel* m) {
    QString t = QStringLiteral("%1\nIR %2, producer %3, %4 nodes (%5 folded as constants or shape math)\n")
                    .arg(QString::fromStdString(s.file))
                    .arg(s.irVersion)
                    .arg(QString::fromStdString(s.producer.empty() ? std::string("unknown") : s.producer))
                    .arg(s.nodes)
                    .arg(s.foldedNodes);
    if (m)
        t += QStringLiteral("%1, %2 GMACs per sample, %3 kernels\n")
                 .arg(parametersText(*m))
                 .arg(m->macsPerSample() / 1e9, 0, 'f', 3)
                 .arg(m->kernelLayerCount());
    for (const std::string& in : s.inputs)
        t += QStringLiteral("input %1\n").arg(QString::fromStdString(in));
    if (s.notCosted.empty())
        t += QStringLiteral("Every op has a cost formula.\n");
    else {
        QString list;
        for (const auto& [type, n] : s.notCosted)
            list += QStringLiteral("%1%2 ×%3")
                        .arg(list.isEmpty() ? QString() : QStringLiteral(", "), QString::fromStdString(type))
                        .arg(n);
        t += QStringLiteral("Not costed (count as zero time): %1\n").arg(list);
    }
    if (!s.quantization.empty())
        t += QStringLiteral("Quantization: %1\n").arg(QString::fromStdString(s.quantization));
    for (const std::string& w : s.warnings)
        t += QStringLiteral("warning: %1\n").arg(QString::fromStdString(w));
    return t.trimmed();
}

} // namespace bs
