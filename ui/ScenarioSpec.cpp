#include "ScenarioSpec.h"

#include <QFileInfo>

namespace bs {

QString ScenarioSpec::modelKey() const {
    QString key = isOnnx() ? QStringLiteral("onnx:") + onnxPath : QStringLiteral("zoo:") + modelId;
    if (isOnnx())
        for (const auto& [name, value] : dims)
            key += QStringLiteral(";%1=%2").arg(QString::fromStdString(name)).arg(value);
    else
        for (const auto& [name, value] : knobs)
            key += QStringLiteral(";%1=%2").arg(QString::fromStdString(name)).arg(value, 0, 'g', 12);
    return key;
}

QString ScenarioSpec::modelLabel() const {
    if (isOnnx()) {
        QString label = QFileInfo(onnxPath).fileName();
        for (const auto& [name, value] : dims)
            label += QStringLiteral(" %1=%2").arg(QString::fromStdString(name)).arg(value);
        return label;
    }
    QString label = modelId;
    const ModelDescriptor* d = ModelZoo::find(modelId.toStdString());
    if (!d) return label;
    KnobValues v;
    try {
        v = ModelZoo::resolve(*d, knobs);
    } catch (const ZooError&) {
        return label;
    }
    if (d->hasResolution) {
        const int h = static_cast<int>(knob(v, "height")), w = static_cast<int>(knob(v, "width"));
        // Not "%1²": QString::arg() would read the superscript two as a placeholder digit.
        label += h == w ? QStringLiteral(" ") + QString::number(h) + QStringLiteral("²")
                        : QStringLiteral(" %1×%2").arg(w).arg(h);
    }
    // In decode the sequence knob is unused and the context length is what matters.
    const bool decode = v.count("phase") && v.count("context") && knob(v, "phase") == 1;
    if (decode)
        label += QStringLiteral(" decode ctx %1").arg(knob(v, "context"));
    else if (!d->seqKnob.empty())
        label += QStringLiteral(" seq %1").arg(knob(v, d->seqKnob));
    // Any other knob the user moved off its default is part of what the scenario is.
    for (const Knob& k : d->knobs) {
        if (k.name == d->seqKnob || k.name == "height" || k.name == "width" ||
            (decode && (k.name == "phase" || k.name == "context")))
            continue;
        const double value = knob(v, k.name);
        if (value == k.value) continue;
        label += k.choices.empty() ? QStringLiteral(" %1=%2").arg(QString::fromStdString(k.name)).arg(value)
                                   : QStringLiteral(" %1").arg(
                                         QString::fromStdString(k.choices[static_cast<std::size_t>(value)]));
    }
    return label;
}

} // namespace bs
