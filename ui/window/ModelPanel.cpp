#include "window/ModelPanel.h"

#include "model/Explorer.h"
#include "model/ModelSummaryText.h"
#include "model/PresetStore.h"

#include <QColorDialog>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <functional>

namespace bs {

namespace {
QString parallelHelp() {
    return QObject::tr(
        "tp=N devices of a node split a decoder LLM, all-reducing over its link; pp=M pipeline stages pass "
        "mb=K micro-batches (default M) down the layers and pay a fill-and-drain bubble; ep=E devices hold a "
        "mixture of experts' experts, all-to-all around each MoE layer; dp=D replicas multiply throughput "
        "(docs/MODEL.md §19). Enter applies.");
}
} // namespace

ModelPanel::ModelPanel(Explorer* explorer, QWidget* parent) : QWidget(parent), explorer_(explorer) {
    auto* layout = new QVBoxLayout(this);
    buildScenarioForm(layout);
    buildModelRows(layout);
    connectEditors();
    connectExplorer();
    refreshPresets();
    setScenario(-1);
}

// Model (with its colour), hardware, runtime and precision.
void ModelPanel::buildScenarioForm(QVBoxLayout* layout) {
    auto* form = form_ = new QFormLayout;
    color_ = new QToolButton;
    color_->setToolTip(tr("Scenario colour in every chart"));
    model_ = new QComboBox;
    model_->setObjectName(QStringLiteral("modelCombo"));
    model_->setToolTip(tr("A built-in parametric model, or an ONNX file opened in this session"));
    preset_ = new QComboBox;
    preset_->setObjectName(QStringLiteral("presetCombo"));
    precision_ = new QComboBox;
    precision_->setObjectName(QStringLiteral("precisionCombo"));
    precision_->setToolTip(tr("Compute precision; weights and activations are stored at it (tf32 as fp32). "
                              "Only precisions with a peak in the preset are listed."));
    runtime_ = new QComboBox;
    runtime_->setObjectName(QStringLiteral("runtimeCombo"));
    runtime_->setToolTip(tr("The software that runs the model: its fusion, host time per kernel and op, "
                            "fixed cost per call and kernel efficiencies (presets/runtimes). 'ideal' is "
                            "the roofline bound. Only runtimes with a profile for the chip's class are "
                            "listed; duplicate the scenario to compare two."));
    powerMode_ = new QComboBox;
    powerMode_->setObjectName(QStringLiteral("powerModeCombo"));
    powerMode_->setToolTip(tr("The module's power mode (Jetson nvpmodel): its power limit, maximum clock, "
                              "powered compute units and memory clock. Shown for presets that list "
                              "power modes."));
    parallel_ = new QLineEdit;
    parallel_->setObjectName(QStringLiteral("parallelEdit"));
    parallel_->setPlaceholderText(tr("one device (tp=N,pp=M,ep=E,dp=D)"));
    parallel_->setToolTip(parallelHelp());
    // Long preset and file names elide in a narrow dock (the list shows them whole) instead of
    // setting the dock's width.
    for (QComboBox* combo : {model_, preset_, runtime_, powerMode_}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
    }
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(color_);
    modelRow->addWidget(model_, 1);
    form->addRow(tr("Model"), modelRow);
    form->addRow(tr("Hardware"), preset_);
    form->addRow(tr("Power mode"), powerMode_);
    form->addRow(tr("Runtime"), runtime_);
    form->addRow(tr("Precision"), precision_);
    form->addRow(tr("Parallel"), parallel_);
    layout->addLayout(form);
}

// The built-in model's knobs, the ONNX file's dims with Reload, import progress with Cancel, the
// status line and the import summary.
void ModelPanel::buildModelRows(QVBoxLayout* layout) {
    knobBox_ = new QWidget;
    knobs_ = new QFormLayout(knobBox_);
    knobs_->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(knobBox_);

    dimsRow_ = new QWidget;
    auto* dimsLayout = new QHBoxLayout(dimsRow_);
    dimsLayout->setContentsMargins(0, 0, 0, 0);
    dims_ = new QLineEdit;
    dims_->setObjectName(QStringLiteral("onnxDims"));
    // The placeholder names what is missing and shows no number: a suggested value in grey
    // looked like one already entered.
    dims_->setPlaceholderText(tr("NAME=VALUE, …"));
    dims_->setToolTip(
        tr("Values for the file's symbolic input dimensions (the batch axis follows the slider). "
           "Press Enter to re-import."));
    dimsLayout->addWidget(new QLabel(tr("Dims")));
    dimsLayout->addWidget(dims_, 1);
    reload_ = new QPushButton(tr("Reload"));
    reload_->setObjectName(QStringLiteral("reloadModel"));
    reload_->setToolTip(
        tr("Import the file again (after re-exporting it, or after a failed or cancelled import)"));
    dimsLayout->addWidget(reload_);
    layout->addWidget(dimsRow_);

    auto* progressRow = new QHBoxLayout;
    progress_ = new QProgressBar;
    progress_->setRange(0, 4);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setObjectName(QStringLiteral("cancelImport"));
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(cancel_);
    layout->addLayout(progressRow);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("modelStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);
    summary_ = new QPlainTextEdit;
    summary_->setObjectName(QStringLiteral("importSummary"));
    summary_->setReadOnly(true);
    summary_->setMaximumHeight(160);
    layout->addWidget(summary_);
    layout->addStretch(1);
}

// Each editor changes the scenario it shows (apply()).
void ModelPanel::connectEditors() {
    connect(model_, &QComboBox::activated, this, [this](int index) {
        const ScenarioRow* cur = explorer_->scenarios()->find(id_);
        if (!cur) return;
        const QString data = model_->itemData(index).toString();
        if (data.isEmpty()) {
            scheduleRebuild(); // back to the scenario's model while the file dialog is open
            emit openOnnxRequested();
            return;
        }
        ScenarioRow s = *cur;
        s.knobs.clear();
        s.dims.clear();
        if (looksLikeModelFile(data.toStdString()) && !ModelZoo::isConfigPath(data.toStdString())) {
            s.modelId.clear();
            s.onnxPath = data;
        } else {
            s.onnxPath.clear();
            s.modelId = data;
        }
        apply(s);
    });
    connect(preset_, &QComboBox::activated, this, [this](int index) {
        const ScenarioRow* cur = explorer_->scenarios()->find(id_);
        const auto hw = explorer_->presets()->find(preset_->itemData(index).toString());
        if (!cur || !hw) return;
        ScenarioRow s = *cur;
        s.presetId = preset_->itemData(index).toString();
        if (!hw->supports(s.precision)) s.precision = hw->defaultPrecision;
        // Like the precision: a runtime without a profile for the new chip's class falls back to
        // the ideal one instead of leaving the scenario in error (TensorRT on a TPU).
        const Runtime* rt = RuntimeLibrary::shipped().find(s.runtimeId.toStdString());
        if (rt && !rt->forClass(hw->archClass)) s.runtimeId = QString::fromStdString(Runtime::idealId());
        if (!hw->findPowerMode(s.powerMode.toStdString())) s.powerMode.clear();
        apply(s);
    });
    connect(powerMode_, &QComboBox::activated, this, [this](int index) {
        editScenario([&](ScenarioRow& s) { s.powerMode = powerMode_->itemData(index).toString(); });
    });
    connect(runtime_, &QComboBox::activated, this, [this](int index) {
        editScenario([&](ScenarioRow& s) { s.runtimeId = runtime_->itemData(index).toString(); });
    });
    connect(precision_, &QComboBox::activated, this, [this](int index) {
        const ScenarioRow* cur = explorer_->scenarios()->find(id_);
        const auto p =
            parsePrecision(precision_->itemText(index).section(QLatin1Char(' '), 0, 0).toStdString());
        if (!cur || !p) return;
        ScenarioRow s = *cur;
        s.precision = *p;
        apply(s);
    });
    connect(color_, &QToolButton::clicked, this, [this] {
        const ScenarioRow* cur = explorer_->scenarios()->find(id_);
        if (!cur) return;
        const QColor c = QColorDialog::getColor(cur->color, this, tr("Scenario colour"));
        if (!c.isValid()) return;
        ScenarioRow s = *cur;
        s.color = c;
        apply(s);
    });
    connect(dims_, &QLineEdit::returnPressed, this, &ModelPanel::applyDimsText);
    connect(parallel_, &QLineEdit::returnPressed, this, [this] {
        try {
            const QString text = parallel_->text().trimmed(); // empty: one device
            const Parallel p = text.isEmpty() ? Parallel{} : parseParallel(text.toStdString(), "parallel");
            parallel_->setStyleSheet(QString());
            parallel_->setToolTip(parallelHelp());
            editScenario([&](ScenarioRow& s) { s.parallel = p; });
        } catch (const std::exception& e) { // the field keeps the text, red, and says what is wrong
            parallel_->setStyleSheet(QStringLiteral("color: #c00000"));
            parallel_->setToolTip(QString::fromUtf8(e.what()));
        }
    });
}

// "name=value, ...": a new model key re-imports with the new dims; the same dims read the file again.
void ModelPanel::applyDimsText() {
    const ScenarioRow* cur = explorer_->scenarios()->find(id_);
    if (!cur || !cur->isOnnx()) return;
    ScenarioRow s = *cur;
    s.dims.clear();
    for (const QString& part : dims_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList kv = part.split(QLatin1Char('='));
        bool ok = false;
        const qlonglong v = kv.size() == 2 ? kv[1].trimmed().toLongLong(&ok) : 0;
        if (!ok || v <= 0) {
            status_->setText(tr("'%1': write NAME=VALUE with a positive integer value").arg(part.trimmed()));
            return;
        }
        s.dims[kv[0].trimmed().toStdString()] = v;
    }
    if (s.modelKey() == cur->modelKey())
        explorer_->reloadModel(s); // same dims: the user wants the file read again
    else
        apply(s);
}

// Import progress, finished models, edits of the scenario elsewhere, preset list changes.
void ModelPanel::connectExplorer() {
    connect(cancel_, &QPushButton::clicked, this, [this] {
        if (const ScenarioRow* cur = explorer_->scenarios()->find(id_))
            explorer_->cancelImport(cur->modelKey());
    });
    connect(reload_, &QPushButton::clicked, this, [this] {
        if (const ScenarioRow* cur = explorer_->scenarios()->find(id_)) explorer_->reloadModel(*cur);
    });
    connect(explorer_, &Explorer::modelProgress, this,
            [this](const QString& key, int step, int steps, const QString& stage) {
                const ScenarioRow* cur = explorer_->scenarios()->find(id_);
                if (!cur || cur->modelKey() != key) return;
                progress_->setRange(0, steps);
                progress_->setValue(step);
                progress_->setFormat(stage);
            });
    connect(explorer_, &Explorer::modelPrepared, this, [this] {
        updateStatus();
        // A config.json is read while its model is prepared: its knobs exist from then on.
        const ScenarioRow* cur = explorer_->scenarios()->find(id_);
        if (cur && ModelZoo::isConfigPath(cur->modelId.toStdString())) scheduleRebuild();
    });
    // Deferred: a spec change usually comes from one of this panel's own editors, still inside
    // its signal; rebuilding now would delete the widget that is emitting.
    connect(explorer_->scenarios(), &ScenarioListModel::specChanged, this, [this](int id) {
        if (id == id_) scheduleRebuild();
    });
    connect(explorer_->presets(), &PresetStore::presetsChanged, this, &ModelPanel::refreshPresets);
    connect(explorer_->presets(), &PresetStore::presetChanged, this, &ModelPanel::refreshPresets);
}

void ModelPanel::apply(const ScenarioRow& spec) {
    if (updating_) return;
    explorer_->scenarios()->update(spec);
}

void ModelPanel::refreshPresets() {
    const QSignalBlocker block(preset_);
    preset_->clear();
    for (const QString& id : explorer_->presets()->ids()) {
        const auto p = explorer_->presets()->find(id);
        const bool builtIn = explorer_->presets()->isBuiltIn(id);
        preset_->addItem(QString::fromStdString(p->name) + (builtIn ? QString() : tr(" (user)")), id);
        preset_->setItemData(
            preset_->count() - 1,
            QStringLiteral("%1 — %2\n%3")
                .arg(id, QString::fromStdString(p->status), QString::fromStdString(p->notes)),
            Qt::ToolTipRole);
    }
    rebuild();
}

void ModelPanel::scheduleRebuild() {
    if (rebuildPending_) return;
    rebuildPending_ = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            rebuildPending_ = false;
            rebuild();
        },
        Qt::QueuedConnection);
}

void ModelPanel::editScenario(const std::function<void(ScenarioRow&)>& change) {
    const ScenarioRow* cur = explorer_->scenarios()->find(id_);
    if (!cur) return;
    ScenarioRow s = *cur;
    change(s);
    apply(s);
}

void ModelPanel::setScenario(int id) {
    id_ = id;
    rebuild();
}

// The runtimes with a profile for the chip's class; the scenario's own is shown even when it has
// none (marked), so the problem is visible rather than replaced.
void ModelPanel::fillRuntimes(const ScenarioRow& spec, const HardwarePreset* hw) {
    runtime_->clear();
    for (const Runtime& r : RuntimeLibrary::shipped().runtimes()) {
        if (hw && !r.forClass(hw->archClass)) continue;
        runtime_->addItem(QString::fromStdString(r.name), QString::fromStdString(r.id));
        runtime_->setItemData(runtime_->count() - 1,
                              QString::fromStdString(r.version + (r.notes.empty() ? "" : "\n" + r.notes)),
                              Qt::ToolTipRole);
    }
    if (runtime_->findData(spec.runtimeId) < 0)
        runtime_->addItem(tr("%1 (not for this chip)").arg(spec.runtimeName()), spec.runtimeId);
    runtime_->setCurrentIndex(runtime_->findData(spec.runtimeId));
}

// The preset as written (its top mode, with its limit) and each power mode it lists; the row is
// hidden for presets without modes. A mode the preset lacks is shown as such, not replaced.
void ModelPanel::fillPowerModes(const ScenarioRow& spec, const HardwarePreset* hw) {
    powerMode_->clear();
    if (hw) {
        const auto describe = [](double watts, double ghz, double units, const std::string& unitName) {
            return tr("%1 W, %2 GHz, %3 %4")
                .arg(watts)
                .arg(ghz, 0, 'f', 2)
                .arg(units)
                .arg(QString::fromStdString(unitName));
        };
        powerMode_->addItem(
            tr("as preset (%1)")
                .arg(describe(hw->tdpWatts.value, hw->clockGhz.value, hw->units(), hw->unitName)),
            QString());
        for (const PowerMode& m : hw->powerModes) {
            const double units = m.activeUnits.value > 0 ? m.activeUnits.value : hw->units();
            powerMode_->addItem(QString::fromStdString(m.name), QString::fromStdString(m.id));
            powerMode_->setItemData(
                powerMode_->count() - 1,
                QString(describe(m.tdpWatts.value, m.clockGhz.value, units, hw->unitName) +
                        QStringLiteral("\n") + QString::fromStdString(m.clockGhz.source)),
                Qt::ToolTipRole);
        }
    }
    if (!spec.powerMode.isEmpty() && powerMode_->findData(spec.powerMode) < 0)
        powerMode_->addItem(tr("%1 (not on this chip)").arg(spec.powerMode), spec.powerMode);
    powerMode_->setCurrentIndex(powerMode_->findData(spec.powerMode));
    form_->setRowVisible(powerMode_, (hw && !hw->powerModes.empty()) || !spec.powerMode.isEmpty());
}

void ModelPanel::rebuild() {
    const ScenarioRow* spec = explorer_->scenarios()->find(id_);
    setEnabled(spec != nullptr);
    updating_ = true;
    {
        const QSignalBlocker b1(model_), b2(preset_), b3(precision_), b4(runtime_), b5(powerMode_);
        model_->clear();
        for (const ModelDescriptor& d : ModelZoo::models()) {
            model_->addItem(QString::fromStdString(d.id), QString::fromStdString(d.id));
            model_->setItemData(model_->count() - 1, QString::fromStdString(d.description), Qt::ToolTipRole);
        }
        // Model files (ONNX, config.json) used by any scenario, so another can pick the same file.
        QStringList files;
        for (const ScenarioRow& s : explorer_->scenarios()->specs()) {
            const QString file = s.isOnnx() ? s.onnxPath : s.modelId;
            if ((s.isOnnx() || ModelZoo::isConfigPath(file.toStdString())) && !files.contains(file))
                files << file;
        }
        if (!files.isEmpty()) model_->insertSeparator(model_->count());
        for (const QString& f : files) {
            const QFileInfo fi(f);
            model_->addItem(fi.suffix() == QLatin1String("json")
                                ? fi.dir().dirName() + QLatin1Char('/') + fi.fileName()
                                : fi.fileName(),
                            f);
            model_->setItemData(model_->count() - 1, f, Qt::ToolTipRole);
        }
        model_->insertSeparator(model_->count());
        model_->addItem(tr("Open model file (ONNX, config.json)…"), QString());
        if (spec) {
            model_->setCurrentIndex(model_->findData(spec->isOnnx() ? spec->onnxPath : spec->modelId));
            // A preset deleted or a precision the chip lacks is shown as such, not as a neighbour.
            for (int i = preset_->count() - 1; i >= 0; --i)
                if (preset_->itemData(i, Qt::UserRole + 1).toBool()) preset_->removeItem(i);
            if (preset_->findData(spec->presetId) < 0) {
                preset_->addItem(tr("%1 (missing)").arg(spec->presetId), spec->presetId);
                preset_->setItemData(preset_->count() - 1, true, Qt::UserRole + 1);
            }
            preset_->setCurrentIndex(preset_->findData(spec->presetId));
            precision_->clear();
            const auto hw = explorer_->presets()->find(spec->presetId);
            if (hw)
                for (Precision p : kAllPrecisions)
                    if (hw->supports(p)) precision_->addItem(QString::fromLatin1(precisionName(p)));
            const QString prec = QString::fromLatin1(precisionName(spec->precision));
            if (precision_->findText(prec) < 0) precision_->addItem(tr("%1 (not on this chip)").arg(prec));
            precision_->setCurrentIndex(std::max(0, precision_->findText(prec, Qt::MatchStartsWith)));
            fillRuntimes(*spec, hw.get());
            fillPowerModes(*spec, hw.get());
            if (!parallel_->hasFocus()) parallel_->setText(QString::fromStdString(spec->parallel.text()));
            QPixmap swatch(16, 16);
            swatch.fill(spec->color);
            color_->setIcon(QIcon(swatch));
        }
    }
    if (spec) {
        // A config.json's knobs exist once it is read (and change when it is read again): the
        // descriptor is part of what the editors were built for.
        const ModelDescriptor* d = spec->isOnnx() ? nullptr : ModelZoo::find(spec->modelId.toStdString());
        const QString knobsFor = (spec->isOnnx() ? spec->onnxPath : spec->modelId) + QLatin1Char('|') +
                                 QString::number(reinterpret_cast<quintptr>(d));
        if (knobsFor != knobsFor_) rebuildKnobs(*spec);
        knobsFor_ = knobsFor;
        updateKnobValues(*spec);
    } else {
        knobsFor_.clear();
    }
    updating_ = false;
    updateStatus();
}

void ModelPanel::rebuildKnobs(const ScenarioRow& spec) {
    while (knobs_->rowCount() > 0)
        knobs_->removeRow(0);
    dimsRow_->setVisible(spec.isOnnx());
    const ModelDescriptor* d = spec.isOnnx() ? nullptr : ModelZoo::find(spec.modelId.toStdString());
    knobBox_->setVisible(d != nullptr);
    if (!d) return;
    for (const Knob& k : d->knobs) {
        const QString name = QString::fromStdString(k.name);
        auto setKnob = [this, name](double v) {
            const ScenarioRow* cur = explorer_->scenarios()->find(id_);
            if (!cur) return;
            ScenarioRow s = *cur;
            s.knobs[name.toStdString()] = v;
            apply(s);
        };
        QWidget* editor = nullptr;
        if (!k.choices.empty()) {
            auto* combo = new QComboBox;
            for (const std::string& c : k.choices)
                combo->addItem(QString::fromStdString(c));
            connect(combo, &QComboBox::activated, this, setKnob);
            editor = combo;
        } else if (k.integer) {
            auto* spin = new QSpinBox;
            spin->setRange(static_cast<int>(k.min), static_cast<int>(std::min(k.max, 1e9)));
            spin->setKeyboardTracking(false); // one rebuild per finished edit, not per digit
            connect(spin, &QSpinBox::valueChanged, this, setKnob);
            editor = spin;
        } else {
            auto* spin = new QDoubleSpinBox;
            spin->setRange(k.min, k.max);
            spin->setDecimals(2);
            spin->setSingleStep(0.1);
            spin->setKeyboardTracking(false);
            connect(spin, &QDoubleSpinBox::valueChanged, this, setKnob);
            editor = spin;
        }
        editor->setObjectName(QStringLiteral("knob_") + name);
        editor->setToolTip(
            QStringLiteral("%1 (default %2)").arg(QString::fromStdString(k.help)).arg(k.value));
        knobs_->addRow(name, editor);
    }
}

void ModelPanel::updateKnobValues(const ScenarioRow& spec) {
    if (spec.isOnnx()) {
        // Never under the user's cursor: a half-typed "height=224, wid" survives other updates.
        if (dims_->hasFocus() && dims_->isModified()) return;
        QString text;
        for (const auto& [name, value] : spec.dims)
            text += QStringLiteral("%1%2=%3")
                        .arg(text.isEmpty() ? QString() : QStringLiteral(", "), QString::fromStdString(name))
                        .arg(value);
        dims_->setText(text);
        return;
    }
    const ModelDescriptor* d = ModelZoo::find(spec.modelId.toStdString());
    if (!d) return;
    KnobValues values;
    try {
        values = ModelZoo::resolve(*d, spec.knobs);
    } catch (const ZooError&) {
        values = ModelZoo::resolve(*d, {});
    }
    for (const Knob& k : d->knobs) {
        QWidget* w = knobBox_->findChild<QWidget*>(QStringLiteral("knob_") + QString::fromStdString(k.name));
        if (!w) continue; // built for another descriptor: the next rebuild makes them
        const QSignalBlocker block(w);
        // A knob that does nothing at these values (seq in decode) is disabled and says why.
        const std::string unused = k.unusedBecause ? k.unusedBecause(values) : std::string();
        w->setEnabled(unused.empty());
        w->setToolTip(unused.empty()
                          ? QStringLiteral("%1 (default %2)").arg(QString::fromStdString(k.help)).arg(k.value)
                          : QStringLiteral("No effect here: %1").arg(QString::fromStdString(unused)));
        const double v = knob(values, k.name);
        if (auto* combo = qobject_cast<QComboBox*>(w))
            combo->setCurrentIndex(static_cast<int>(v));
        else if (auto* spin = qobject_cast<QSpinBox*>(w))
            spin->setValue(static_cast<int>(v));
        else if (auto* dspin = qobject_cast<QDoubleSpinBox*>(w))
            dspin->setValue(v);
    }
}

void ModelPanel::updateStatus() {
    const ScenarioRow* spec = explorer_->scenarios()->find(id_);
    if (!spec) {
        progress_->hide();
        cancel_->hide();
        status_->clear();
        summary_->hide();
        return;
    }
    const Explorer::ModelStatus st = explorer_->modelStatus(*spec);
    const bool importing = st.preparing && spec->isOnnx();
    progress_->setVisible(importing);
    cancel_->setVisible(importing);
    if (importing && progress_->value() < 0) progress_->setValue(0);
    if (!st.error.isEmpty()) {
        QString msg = st.error;
        if (!st.unboundDims.isEmpty()) {
            msg += tr("\nEnter values for %1 in Dims and press Enter.")
                       .arg(st.unboundDims.join(QStringLiteral(", ")));
            dims_->setPlaceholderText(st.unboundDims.join(QStringLiteral("=?, ")) + QStringLiteral("=?"));
        }
        status_->setText(msg);
        status_->setStyleSheet(QStringLiteral("color: #c0392b"));
    } else if (st.preparing) {
        status_->setText(spec->isOnnx() ? tr("Importing…") : tr("Building the model…"));
        status_->setStyleSheet({});
    } else if (st.model) {
        // The kernel count is the runtime's: eager runs one kernel per op, TensorRT fuses tails.
        FusionRules fusion;
        if (const auto hw = explorer_->presets()->find(spec->presetId);
            hw && hardwareProblem(*spec, hw.get()).isEmpty())
            fusion = runtimeProfileFor(*scenarioRuntime(*spec), *hw).fusionRules();
        status_->setText(tr("%1 operators → %2 kernels (fusion: %3, epilogue: %4, %5), %6")
                             .arg(st.model->opCount())
                             .arg(st.model->fusedAs(fusion).kernelCount())
                             .arg(QString::fromLatin1(fusionPolicyName(fusion.policy)),
                                  QString::fromLatin1(epiloguePolicyName(fusion.epilogue)),
                                  spec->runtimeName(), parametersText(*st.model)));
        status_->setStyleSheet({});
    }
    summary_->setVisible(st.onnx != nullptr);
    if (st.onnx) summary_->setPlainText(summaryText(*st.onnx, st.model.get()));
}

} // namespace bs
