#include "presets/PresetEditor.h"

#include "model/PresetDiff.h"
#include "model/PresetFieldCommand.h"
#include "model/PresetFields.h"
#include "model/PresetStore.h"
#include "presets/PresetForm.h"

#include <QComboBox>
#include <QDate>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <set>

namespace bs {

namespace {

std::vector<PresetIssue> validate(const QJsonObject& json, const QString& file) {
    return parsePreset(QJsonDocument(json).toJson().toStdString(), file.toStdString()).issues;
}

bool sameValue(const QJsonValue& a, const QJsonValue& b) {
    return (a.isDouble() && b.isDouble()) ? a.toDouble() == b.toDouble() : a == b;
}

} // namespace

PresetEditor::PresetEditor(PresetStore* store, QWidget* parent)
    : QWidget(parent), store_(store), undo_(new QUndoStack(this)) {
    auto* top = new QHBoxLayout;
    combo_ = new QComboBox;
    combo_->setObjectName(QStringLiteral("presetCombo"));
    combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo_->setMinimumContentsLength(28);
    combo_->setToolTip(
        QStringLiteral("Preset to show: built-in presets are read-only, user presets are yours"));
    duplicate_ = new QPushButton(QStringLiteral("Duplicate"));
    duplicate_->setObjectName(QStringLiteral("duplicateButton"));
    duplicate_->setToolTip(
        QStringLiteral("Copy this preset into a new user preset (saved in %1) and edit that")
            .arg(store_->userDir()));
    delete_ = new QPushButton(QStringLiteral("Delete"));
    delete_->setObjectName(QStringLiteral("deleteButton"));
    delete_->setToolTip(
        QStringLiteral("Delete this user preset and its file (built-in presets cannot be deleted)"));
    undoButton_ = new QToolButton;
    undoButton_->setObjectName(QStringLiteral("undoButton"));
    undoButton_->setText(QStringLiteral("Undo"));
    redoButton_ = new QToolButton;
    redoButton_->setObjectName(QStringLiteral("redoButton"));
    redoButton_->setText(QStringLiteral("Redo"));
    auto* presetLabel = new QLabel(QStringLiteral("Preset:"));
    presetLabel->setBuddy(combo_);
    top->addWidget(presetLabel);
    top->addWidget(combo_, 1);
    top->addWidget(duplicate_);
    top->addWidget(delete_);
    top->addSpacing(8);
    top->addWidget(undoButton_);
    top->addWidget(redoButton_);

    banner_ = new QWidget;
    banner_->setObjectName(QStringLiteral("builtInBanner"));
    banner_->setAttribute(Qt::WA_StyledBackground);
    banner_->setStyleSheet(QStringLiteral("#builtInBanner { background: #e3f2fd; border: 1px solid #90caf9; "
                                          "border-radius: 3px; } QLabel { color: #0d47a1; }"));
    auto* bannerLayout = new QHBoxLayout(banner_);
    bannerLayout->setContentsMargins(8, 4, 8, 4);
    bannerLayout->addWidget(new QLabel(QStringLiteral("Built-in preset (read-only). Duplicate to edit.")), 1);
    auto* bannerButton = new QPushButton(QStringLiteral("Duplicate to edit"));
    bannerButton->setObjectName(QStringLiteral("bannerDuplicateButton"));
    bannerLayout->addWidget(bannerButton);

    loadIssues_ = new QLabel;
    loadIssues_->setObjectName(QStringLiteral("loadIssuesLabel"));
    loadIssues_->setWordWrap(true);
    loadIssues_->setStyleSheet(QStringLiteral("color: #9a6700;"));
    messages_ = new QLabel;
    messages_->setObjectName(QStringLiteral("presetMessages"));
    messages_->setWordWrap(true);
    messages_->setTextFormat(Qt::PlainText);

    form_ = new PresetForm;
    form_->setObjectName(QStringLiteral("presetForm"));

    auto* diffPage = new QWidget;
    auto* diffLayout = new QVBoxLayout(diffPage);
    diffHeader_ = new QLabel;
    diffHeader_->setObjectName(QStringLiteral("diffHeader"));
    diffHeader_->setWordWrap(true);
    diffEmpty_ = new QLabel;
    diffEmpty_->setObjectName(QStringLiteral("diffEmptyLabel"));
    diffEmpty_->setAlignment(Qt::AlignCenter);
    diffEmpty_->setWordWrap(true);
    diffTable_ = new QTableWidget(0, 4);
    diffTable_->setObjectName(QStringLiteral("diffTable"));
    diffTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    diffTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    diffTable_->verticalHeader()->hide();
    diffTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    diffTable_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    diffTable_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    diffTable_->horizontalHeader()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    diffTable_->setWordWrap(false);
    diffLayout->addWidget(diffHeader_);
    diffLayout->addWidget(diffTable_, 1);
    diffLayout->addWidget(diffEmpty_, 1);

    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("presetTabs"));
    tabs_->addTab(form_, QStringLiteral("Fields"));
    tabs_->addTab(diffPage, QStringLiteral("Differences"));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(loadIssues_);
    layout->addWidget(banner_);
    layout->addWidget(messages_);
    layout->addWidget(tabs_, 1);

    connect(combo_, &QComboBox::currentIndexChanged, this, [this](int i) {
        const QString id = combo_->itemData(i).toString();
        if (!id.isEmpty() && id != current_) showPreset(id);
    });
    connect(duplicate_, &QPushButton::clicked, this, [this] { duplicateCurrent(); });
    connect(bannerButton, &QPushButton::clicked, this, [this] { duplicateCurrent(); });
    connect(delete_, &QPushButton::clicked, this, [this] { deleteCurrent(true); });
    connect(undoButton_, &QToolButton::clicked, undo_, &QUndoStack::undo);
    connect(redoButton_, &QToolButton::clicked, undo_, &QUndoStack::redo);
    connect(undo_, &QUndoStack::canUndoChanged, undoButton_, &QToolButton::setEnabled);
    connect(undo_, &QUndoStack::canRedoChanged, redoButton_, &QToolButton::setEnabled);
    connect(undo_, &QUndoStack::undoTextChanged, undoButton_,
            // Not [this]: the stack is a child and may announce its clearing while the editor is
            // already being destroyed; the button is the only thing touched.
            [b = undoButton_](const QString& t) { b->setToolTip(QStringLiteral("Undo: ") + t); });
    connect(undo_, &QUndoStack::redoTextChanged, redoButton_,
            [b = redoButton_](const QString& t) { b->setToolTip(QStringLiteral("Redo: ") + t); });
    undoButton_->setEnabled(false);
    redoButton_->setEnabled(false);
    connect(form_, &PresetForm::edited, this, &PresetEditor::onEdited);
    connect(form_, &PresetForm::inputRejected, this, [this](const QString& field, const QString& msg) {
        emit statusMessage(QStringLiteral("Not applied: %1: %2").arg(form_->labelFor(field), msg));
    });
    connect(store_, &PresetStore::presetChanged, this, &PresetEditor::onPresetChanged);
    connect(store_, &PresetStore::presetsChanged, this, &PresetEditor::onPresetsChanged);

    showLoadIssues();
    rebuildCombo();
    if (!store_->ids().isEmpty()) showPreset(store_->ids().constFirst());
}

void PresetEditor::rebuildCombo() {
    const QSignalBlocker block(combo_);
    combo_->clear();
    bool separated = false;
    for (const QString& id : store_->ids()) {
        const bool builtIn = store_->isBuiltIn(id);
        if (!builtIn && !separated) {
            if (combo_->count() > 0) combo_->insertSeparator(combo_->count());
            separated = true;
        }
        const auto p = store_->find(id);
        const QString name = p ? QString::fromStdString(p->name) : id;
        combo_->addItem(QStringLiteral("%1 — %2 (%3)")
                            .arg(name, id, builtIn ? QStringLiteral("built-in") : QStringLiteral("user")),
                        id);
        if (p) combo_->setItemData(combo_->count() - 1, QString::fromStdString(p->notes), Qt::ToolTipRole);
    }
    combo_->setCurrentIndex(combo_->findData(current_));
}

void PresetEditor::showPreset(const QString& id) {
    if (!store_->contains(id)) {
        emit statusMessage(QStringLiteral("Unknown preset '%1'").arg(id));
        return;
    }
    current_ = id;
    {
        const QSignalBlocker block(combo_);
        combo_->setCurrentIndex(combo_->findData(id));
    }
    const bool builtIn = store_->isBuiltIn(id);
    const QJsonObject json = store_->json(id);
    form_->setPreset(json, builtIn);
    banner_->setVisible(builtIn);
    delete_->setEnabled(!builtIn);
    showIssues(validate(json, store_->fileOf(id)));
    updateDiff();
}

QString PresetEditor::duplicateCurrent() {
    if (current_.isEmpty()) return {};
    QString error;
    const QString from = current_;
    const QString id = store_->duplicate(from, &error);
    if (id.isEmpty()) {
        emit statusMessage(QStringLiteral("Could not duplicate %1: %2").arg(from, error));
        return {};
    }
    showPreset(id);
    emit presetCreated(id);
    emit statusMessage(
        QStringLiteral("Created user preset %1 from %2 (%3)").arg(id, from, store_->fileOf(id)));
    return id;
}

bool PresetEditor::deleteCurrent(bool askFirst) {
    const QString id = current_;
    if (id.isEmpty() || store_->isBuiltIn(id)) return false;
    if (askFirst &&
        QMessageBox::question(
            this, QStringLiteral("Delete preset"),
            QStringLiteral("Delete the user preset '%1' and its file %2?").arg(id, store_->fileOf(id))) !=
            QMessageBox::Yes)
        return false;
    const QString origin = store_->originOf(id);
    QString error;
    if (!store_->remove(id, &error)) {
        emit statusMessage(QStringLiteral("Could not delete %1: %2").arg(id, error));
        return false;
    }
    // onPresetsChanged() has moved away from the deleted preset; prefer the one it came from.
    if (store_->contains(origin)) showPreset(origin);
    emit statusMessage(QStringLiteral("Deleted user preset %1").arg(id));
    return true;
}

void PresetEditor::onEdited(const QString& field, const QJsonValue& value) {
    if (current_.isEmpty() || store_->isBuiltIn(current_)) return;
    const QJsonObject before = store_->json(current_);
    if (sameValue(presetValueAt(before, field), value)) {
        // Typing the stored value back over a rejected one is how a user abandons the bad edit.
        form_->clearFieldError(field);
        return;
    }
    const QJsonObject after = presetfields::withUserEdit(before, field, value, QDate::currentDate());
    std::vector<PresetIssue> issues;
    committing_ = true;
    const bool ok = store_->update(current_, after, &issues);
    committing_ = false;
    const QString label = form_->labelFor(field);
    if (!ok) {
        // The previous JSON was valid, so every error comes from this edit: show them all on the
        // edited field, naming the other field where a cross-check failed elsewhere.
        const QString ownRow = form_->rowFor(field);
        QStringList msgs;
        for (const PresetIssue& i : issues) {
            if (i.warning) continue;
            const QString f = QString::fromStdString(i.field), m = QString::fromStdString(i.message);
            msgs << ((f.isEmpty() || form_->rowFor(f) == ownRow)
                         ? m
                         : QString(form_->labelFor(f) + QStringLiteral(": ") + m));
        }
        if (msgs.isEmpty()) msgs << QStringLiteral("the preset could not be saved");
        const QString text = msgs.join(QStringLiteral("; "));
        form_->setFieldError(field, text);
        emit statusMessage(
            QStringLiteral("Not applied: %1: %2 (the preset keeps its last valid value)").arg(label, text));
        return;
    }
    const QJsonObject saved = store_->json(current_);
    form_->refreshField(field, saved);
    if (field.endsWith(QStringLiteral(".value"))) { // withUserEdit rewrote its source and the status
        form_->refreshField(field.chopped(6) + QStringLiteral(".source"), saved);
        form_->refreshField(QStringLiteral("status"), saved);
    }
    showIssues(issues);
    const QString what = describe(field, value);
    undo_->push(new PresetFieldCommand(
        store_, current_, before, saved, QStringLiteral("Edit %1: %2").arg(current_, what),
        [this](const QString& id, bool applied) { onCommandApplied(id, applied); }));
    updateDiff();
    emit statusMessage(QStringLiteral("%1: %2 (saved)").arg(current_, what));
}

QString PresetEditor::describe(const QString& field, const QJsonValue& value) const {
    const QString label = form_->labelFor(field);
    if (field.endsWith(QStringLiteral(".source"))) return label + QStringLiteral(" source");
    const QString unit = field.endsWith(QStringLiteral(".value"))
                             ? presetfields::info(field.chopped(6), store_->json(current_)).unit
                             : QString();
    QString text = label + QStringLiteral(" = ") + presetfields::formatValue(value);
    if (!unit.isEmpty()) text += QLatin1Char(' ') + unit;
    return text;
}

void PresetEditor::onPresetChanged(const QString& id) {
    const int index = combo_->findData(id);
    if (const auto p = store_->find(id); p && index >= 0) {
        combo_->setItemText(
            index, QStringLiteral("%1 — %2 (%3)")
                       .arg(QString::fromStdString(p->name), id,
                            store_->isBuiltIn(id) ? QStringLiteral("built-in") : QStringLiteral("user")));
    }
    if (id != current_ || committing_) return;
    // Undo/redo or a change from elsewhere: show what the store now holds.
    const QJsonObject json = store_->json(id);
    form_->refreshValues(json);
    showIssues(validate(json, store_->fileOf(id)));
    updateDiff();
}

void PresetEditor::onPresetsChanged() {
    rebuildCombo();
    // Edits of a deleted preset cannot be replayed.
    std::set<QString> gone;
    for (int i = 0; i < undo_->count(); ++i)
        if (const auto* c = dynamic_cast<const PresetFieldCommand*>(undo_->command(i)))
            if (!store_->contains(c->presetId())) gone.insert(c->presetId());
    if (!gone.empty()) undo_->clear();
    if (!store_->contains(current_)) {
        current_.clear();
        if (!store_->ids().isEmpty()) showPreset(store_->ids().constFirst());
    }
}

void PresetEditor::onCommandApplied(const QString& id, bool ok) {
    if (!ok)
        emit statusMessage(
            QStringLiteral("Could not apply the undo step to %1 (file not writable?)").arg(id));
    if (id != current_ && store_->contains(id)) showPreset(id);
}

void PresetEditor::showIssues(const std::vector<PresetIssue>& issues) {
    std::vector<PresetIssue> warnings;
    for (const PresetIssue& i : issues)
        if (i.warning) warnings.push_back(i);
    QStringList rest;
    for (const PresetIssue& w : form_->setWarnings(warnings))
        rest << QString::fromStdString(w.field + ": " + w.message);
    messages_->setText(
        rest.isEmpty() ? QString() : QString(QStringLiteral("Warning: ") + rest.join(QStringLiteral("; "))));
    messages_->setVisible(!rest.isEmpty());
}

void PresetEditor::showLoadIssues() {
    QStringList files, details;
    for (const PresetIssue& i : store_->loadIssues()) {
        if (i.warning) continue;
        const QString file = QFileInfo(QString::fromStdString(i.file)).fileName();
        if (!files.contains(file)) files << file;
        details << QString::fromStdString(i.str()).toHtmlEscaped();
    }
    loadIssues_->setVisible(!files.isEmpty());
    if (files.isEmpty()) return;
    loadIssues_->setText(
        (files.size() == 1
             ? QStringLiteral("1 preset file could not be loaded and is not listed: %1")
             : QStringLiteral("%1 preset files could not be loaded and are not listed: %2").arg(files.size()))
            .arg(files.join(QStringLiteral(", "))) +
        QStringLiteral(" (hover for the problems)"));
    loadIssues_->setToolTip(details.join(QStringLiteral("<br>")));
}

void PresetEditor::updateDiff() {
    diffTable_->setRowCount(0);
    const QString origin = store_->originOf(current_);
    QString empty;
    std::vector<PresetDiffEntry> diff;
    if (current_.isEmpty()) {
        empty = QStringLiteral("No preset shown.");
    } else if (store_->isBuiltIn(current_)) {
        empty = QStringLiteral("Built-in presets are not derived from another preset: nothing to compare.");
    } else if (origin.isEmpty()) {
        empty =
            QStringLiteral("This user preset does not say which preset it came from (no \"derived_from\"): "
                           "nothing to compare.");
    } else if (!store_->contains(origin)) {
        empty = QStringLiteral("It came from '%1', which is not loaded: nothing to compare.").arg(origin);
    } else {
        diff = diffPresets(store_->json(origin), store_->json(current_));
        if (diff.empty())
            empty = QStringLiteral("No differences from %1: every value and source is the same.").arg(origin);
    }
    diffHeader_->setText(
        origin.isEmpty() || !store_->contains(origin)
            ? QString()
            : QStringLiteral("Compared with %1 (%2). Identity fields (id, name) are not compared.")
                  .arg(QString::fromStdString(store_->find(origin)->name), origin));
    diffHeader_->setVisible(!diffHeader_->text().isEmpty());
    diffTable_->setHorizontalHeaderLabels({QStringLiteral("Field"), QStringLiteral("In %1").arg(origin),
                                           QStringLiteral("In %1").arg(current_), QStringLiteral("Change")});
    diffTable_->horizontalHeaderItem(3)->setToolTip(
        QStringLiteral("Relative change of the number from the origin's"));
    const QJsonObject current = store_->json(current_);
    for (const PresetDiffEntry& e : diff) {
        const int r = diffTable_->rowCount();
        diffTable_->insertRow(r);
        const bool isSource = e.path.endsWith(QStringLiteral(".source"));
        const bool isValue = e.path.endsWith(QStringLiteral(".value"));
        const QString base = isSource || isValue ? e.path.section(QLatin1Char('.'), 0, -2) : e.path;
        const PresetFieldInfo fi = presetfields::info(base, current);
        // "0.88 fraction 0–1" reads worse than "0.88".
        const bool showUnit =
            isValue && !fi.unit.isEmpty() && !fi.unit.startsWith(QStringLiteral("fraction"));
        const QString unit = showUnit ? QString(QLatin1Char(' ') + fi.unit) : QString();
        auto* field =
            new QTableWidgetItem(isSource ? QString(fi.label + QStringLiteral(" (source)")) : fi.label);
        field->setData(Qt::UserRole, e.path);
        field->setToolTip(e.path);
        auto* was = new QTableWidgetItem(presetfields::formatValue(e.origin) +
                                         (e.origin.isUndefined() ? QString() : unit));
        auto* now = new QTableWidgetItem(presetfields::formatValue(e.current) +
                                         (e.current.isUndefined() ? QString() : unit));
        was->setToolTip(was->text());
        now->setToolTip(now->text());
        diffTable_->setItem(r, 0, field);
        diffTable_->setItem(r, 1, was);
        diffTable_->setItem(r, 2, now);
        if (e.origin.isDouble() && e.current.isDouble() && e.origin.toDouble() != 0) {
            const double change = (e.current.toDouble() / e.origin.toDouble() - 1.0) * 100.0;
            auto* rel = new QTableWidgetItem(QStringLiteral("%1%2 %")
                                                 .arg(change > 0 ? QStringLiteral("+") : QString())
                                                 .arg(QString::number(change, 'f', 1)));
            rel->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            diffTable_->setItem(r, 3, rel);
        }
    }
    diffTable_->setVisible(!diff.empty());
    diffEmpty_->setText(empty);
    diffEmpty_->setVisible(diff.empty());
    tabs_->setTabText(1, diff.empty() ? QStringLiteral("Differences")
                                      : QStringLiteral("Differences (%1)").arg(diff.size()));
}

} // namespace bs
