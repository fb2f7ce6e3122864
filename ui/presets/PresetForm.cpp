#include "presets/PresetForm.h"

#include "model/PresetFields.h"

#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace bs {

namespace {

const QString kInvalidStyle = QStringLiteral("QLineEdit { border: 2px solid #c62828; background: #ffebee; }");

QString statusChoices() {
    return QStringLiteral("datasheet,modelled,measured,calibrated,user-modified");
}

// Numbers as people type them: "1555", "1.5e3", and the system locale's "1,5" as a fallback.
std::optional<double> parseNumber(const QString& text) {
    bool ok = false;
    double v = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok) v = QLocale().toDouble(text.trimmed(), &ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    return v;
}

} // namespace

PresetForm::PresetForm(QWidget* parent) : QScrollArea(parent) {
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
}

void PresetForm::collect(const QJsonObject& o, const QString& prefix,
                         std::vector<std::pair<QString, Kind>>& out) const {
    for (const QString& key : presetfields::orderedKeys(o)) {
        const QString path = prefix.isEmpty() ? key : QString(prefix + QLatin1Char('.') + key);
        const QJsonValue v = o.value(key);
        if (prefix.isEmpty() && key == QStringLiteral("schema")) continue;
        if (presetfields::isSourced(v)) {
            const bool tiles = v.toObject().value(QStringLiteral("value")).isArray();
            out.emplace_back(path, tiles ? Kind::Tiles : Kind::Number);
            // compute_units carries the unit's name next to its number.
            if (v.toObject().contains(QStringLiteral("name")))
                out.emplace_back(path + QStringLiteral(".name"), Kind::Text);
        } else if (v.isObject()) {
            collect(v.toObject(), path, out);
        } else if (v.isString() && prefix.isEmpty()) {
            if (key == QStringLiteral("id") || key == QStringLiteral("class") ||
                key == QStringLiteral("derived_from"))
                out.emplace_back(path, Kind::Fixed);
            else if (key == QStringLiteral("status") || key == QStringLiteral("default_precision"))
                out.emplace_back(path, Kind::Choice);
            else
                out.emplace_back(path, Kind::Text);
        } else {
            out.emplace_back(path, v.isString() ? Kind::Text : Kind::Fixed);
        }
    }
}

void PresetForm::setPreset(const QJsonObject& json, bool readOnly) {
    readOnly_ = readOnly;
    rows_.clear();
    std::vector<std::pair<QString, Kind>> fields;
    collect(json, {}, fields);
    // The price is optional: a preset without one shows it empty, so that a price can be typed in
    // (its source then says the user gave it).
    if (!json.contains(QStringLiteral("cost")))
        fields.emplace_back(QStringLiteral("cost.usd_per_device_hour"), Kind::Number);

    std::map<PresetGroup, std::vector<std::pair<QString, Kind>>> byGroup;
    for (const auto& f : fields)
        byGroup[presetfields::groupOf(f.first)].push_back(f);

    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    rows_.reserve(fields.size());
    std::vector<QGridLayout*> grids;
    for (const auto& [group, groupFields] : byGroup) {
        auto* box = new QGroupBox(presetfields::groupTitle(group), content);
        box->setObjectName(QStringLiteral("group.") + presetfields::groupTitle(group).toLower());
        auto* grid = new QGridLayout(box);
        grid->setColumnStretch(3, 1);
        grid->setVerticalSpacing(4);
        for (const auto& [path, kind] : groupFields)
            addRow(grid, path, kind, json);
        column->addWidget(box);
        grids.push_back(grid);
    }
    // One grid per group: give them the same label and unit columns so the values line up.
    int labelWidth = 0, unitWidth = 0;
    for (QGridLayout* g : grids)
        for (int i = 0; i < g->count(); ++i) {
            int r = 0, c = 0, rowSpan = 0, colSpan = 0;
            g->getItemPosition(i, &r, &c, &rowSpan, &colSpan);
            const int w = g->itemAt(i)->sizeHint().width();
            if (c == 0) labelWidth = std::max(labelWidth, w);
            if (c == 2 && colSpan == 1) unitWidth = std::max(unitWidth, w);
        }
    for (QGridLayout* g : grids) {
        g->setColumnMinimumWidth(0, labelWidth);
        g->setColumnMinimumWidth(2, unitWidth);
    }
    column->addStretch(1);
    // Not deleted at once: the rebuild may run inside a signal of one of the old editors.
    if (QWidget* old = takeWidget()) old->deleteLater();
    setWidget(content);
    content->setStyleSheet(
        QStringLiteral("QLineEdit[readOnly=\"true\"] { background: #f4f4f4; color: #333333; }"));
    for (Row& r : rows_)
        fill(r, json);
}

void PresetForm::addRow(QGridLayout* grid, const QString& path, Kind kind, const QJsonObject& root) {
    const PresetFieldInfo fi = presetfields::info(path, root);
    const int line = grid->rowCount();
    const std::size_t index = rows_.size();
    Row row;
    row.path = path;
    row.kind = kind;

    auto* label = new QLabel(fi.label);
    label->setToolTip(QStringLiteral("<p>%1</p><p><i>%2</i></p>").arg(fi.help.toHtmlEscaped(), path));
    grid->addWidget(label, line, 0);

    const bool numeric = kind == Kind::Number || kind == Kind::Tiles;
    if (kind == Kind::Choice) {
        row.choice = new QComboBox;
        row.choice->setObjectName(path);
        QStringList items;
        if (path == QStringLiteral("status"))
            items = statusChoices().split(QLatin1Char(','));
        else
            items = presetfields::orderedKeys(root.value(QStringLiteral("peak_tflops")).toObject());
        row.choice->addItems(items);
        row.choice->setEnabled(!readOnly_);
        connect(row.choice, &QComboBox::activated, this,
                [this, index, path] { emit edited(path, rows_[index].choice->currentText()); });
        grid->addWidget(row.choice, line, 1);
    } else {
        row.value = new QLineEdit;
        row.value->setObjectName(numeric ? QString(path + QStringLiteral(".value")) : path);
        row.value->setReadOnly(readOnly_ || kind == Kind::Fixed);
        if (kind == Kind::Number) {
            row.value->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000000000")));
            row.value->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("000000000000000")));
            row.value->setAlignment(Qt::AlignRight);
        }
        connect(row.value, &QLineEdit::editingFinished, this, [this, index] { commit(index, false); });
        // Text fields have no unit or source: let them use the whole width.
        grid->addWidget(row.value, line, 1, 1, numeric ? 1 : 3);
    }
    if (numeric) {
        auto* unit = new QLabel(fi.unit);
        unit->setObjectName(path + QStringLiteral(".unit"));
        unit->setStyleSheet(QStringLiteral("color: #555555;"));
        grid->addWidget(unit, line, 2);
        row.source = new QLineEdit;
        row.source->setObjectName(path + QStringLiteral(".source"));
        row.source->setReadOnly(readOnly_);
        row.source->setPlaceholderText(QStringLiteral("source: citation, or \"estimate: reasoning\""));
        connect(row.source, &QLineEdit::editingFinished, this, [this, index] { commit(index, true); });
        grid->addWidget(row.source, line, 3);
    }
    row.message = new QLabel;
    row.message->setObjectName(path + QStringLiteral(".message"));
    row.message->setWordWrap(true);
    row.message->setTextFormat(Qt::PlainText);
    row.message->hide();
    grid->addWidget(row.message, line + 1, 1, 1, 3);
    rows_.push_back(row);
}

void PresetForm::fill(Row& row, const QJsonObject& json) {
    const bool numeric = row.kind == Kind::Number || row.kind == Kind::Tiles;
    const QJsonValue v =
        presetValueAt(json, numeric ? QString(row.path + QStringLiteral(".value")) : row.path);
    if (row.choice) {
        const QString text = v.toString();
        if (row.choice->findText(text) < 0) row.choice->addItem(text);
        row.choice->setCurrentText(text);
    }
    if (row.value) {
        row.value->setText(presetfields::formatValue(v));
        row.value->setCursorPosition(0);
        row.value->setStyleSheet({});
    }
    if (row.source) {
        const QString src = presetValueAt(json, row.path + QStringLiteral(".source")).toString();
        row.source->setText(src);
        row.source->setCursorPosition(0);
        row.source->setToolTip(src);
        row.source->setStyleSheet({});
        if (row.value) row.value->setToolTip(QStringLiteral("Source: ") + src);
    } else if (row.value && row.kind != Kind::Number) {
        row.value->setToolTip(row.value->text());
    }
    row.error.clear();
    row.errorField.clear();
    updateMessage(row);
}

void PresetForm::refreshValues(const QJsonObject& json) {
    for (Row& r : rows_)
        fill(r, json);
}

void PresetForm::refreshField(const QString& field, const QJsonObject& json) {
    Row* r = find(field);
    if (!r) return;
    const QJsonValue v = presetValueAt(json, field);
    QLineEdit* edit = field.endsWith(QStringLiteral(".source")) ? r->source : r->value;
    if (edit && edit != r->source) edit->setText(presetfields::formatValue(v));
    if (edit == r->source && r->source) {
        r->source->setText(v.toString());
        r->source->setToolTip(v.toString());
        if (r->value) r->value->setToolTip(QStringLiteral("Source: ") + v.toString());
    }
    if (edit) edit->setCursorPosition(0);
    if (r->choice) r->choice->setCurrentText(v.toString());
    clearFieldError(field);
}

void PresetForm::commit(std::size_t rowIndex, bool sourceEditor) {
    if (readOnly_ || rowIndex >= rows_.size()) return;
    const Row& row = rows_[rowIndex];
    if (row.kind == Kind::Fixed) return;
    if (sourceEditor) {
        emit edited(row.path + QStringLiteral(".source"), row.source->text().trimmed());
        return;
    }
    const QString leaf = row.kind == Kind::Number || row.kind == Kind::Tiles
                             ? QString(row.path + QStringLiteral(".value"))
                             : row.path;
    const QString text = row.value->text();
    if (row.kind == Kind::Number) {
        const std::optional<double> v = parseNumber(text);
        if (!v) {
            const QString msg = text.trimmed().isEmpty()
                                    ? QStringLiteral("not a number (the field is empty)")
                                    : QStringLiteral("not a number: '%1'").arg(text.trimmed());
            setFieldError(leaf, msg);
            emit inputRejected(leaf, msg);
            return;
        }
        emit edited(leaf, *v);
    } else if (row.kind == Kind::Tiles) {
        const QJsonValue tiles = presetfields::parseTiles(text);
        if (tiles.toArray().isEmpty()) {
            const QString msg = QStringLiteral("not a tile list: expected M×N tiles such as 128x128, 128x64");
            setFieldError(leaf, msg);
            emit inputRejected(leaf, msg);
            return;
        }
        emit edited(leaf, tiles);
    } else {
        emit edited(leaf, text.trimmed());
    }
}

void PresetForm::setFieldError(const QString& field, const QString& message) {
    Row* r = find(field);
    if (!r) return;
    r->error = message;
    r->errorField = field;
    QLineEdit* bad = field.endsWith(QStringLiteral(".source")) ? r->source : r->value;
    if (r->value) r->value->setStyleSheet(bad == r->value ? kInvalidStyle : QString());
    if (r->source) r->source->setStyleSheet(bad == r->source ? kInvalidStyle : QString());
    updateMessage(*r);
    if (bad) ensureWidgetVisible(bad);
}

void PresetForm::clearFieldError(const QString& field) {
    Row* r = find(field);
    if (!r || r->errorField != field) return;
    r->error.clear();
    r->errorField.clear();
    if (r->value) r->value->setStyleSheet({});
    if (r->source) r->source->setStyleSheet({});
    updateMessage(*r);
}

std::vector<PresetIssue> PresetForm::setWarnings(const std::vector<PresetIssue>& warnings) {
    for (Row& r : rows_)
        r.warning.clear();
    std::vector<PresetIssue> unplaced;
    for (const PresetIssue& w : warnings) {
        Row* r = find(QString::fromStdString(w.field));
        if (!r) {
            unplaced.push_back(w);
            continue;
        }
        const QString msg = QString::fromStdString(w.message);
        r->warning = r->warning.isEmpty() ? msg : QString(r->warning + QStringLiteral("; ") + msg);
    }
    for (Row& r : rows_)
        updateMessage(r);
    return unplaced;
}

void PresetForm::updateMessage(Row& row) {
    if (!row.message) return;
    if (!row.error.isEmpty()) {
        row.message->setText(QStringLiteral("Error: ") + row.error);
        row.message->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
        row.message->show();
    } else if (!row.warning.isEmpty()) {
        row.message->setText(QStringLiteral("Warning: ") + row.warning);
        row.message->setStyleSheet(QStringLiteral("color: #9a6700;"));
        row.message->show();
    } else {
        row.message->clear();
        row.message->hide();
    }
}

const PresetForm::Row* PresetForm::find(const QString& field) const {
    const Row* best = nullptr;
    for (const Row& r : rows_) {
        const bool match = field == r.path || field.startsWith(r.path + QLatin1Char('.')) ||
                           field.startsWith(r.path + QLatin1Char('['));
        if (match && (!best || r.path.size() > best->path.size())) best = &r;
    }
    return best;
}

PresetForm::Row* PresetForm::find(const QString& field) {
    return const_cast<Row*>(std::as_const(*this).find(field));
}

QString PresetForm::rowFor(const QString& field) const {
    const Row* r = find(field);
    return r ? r->path : QString();
}

QString PresetForm::labelFor(const QString& field) const {
    const Row* r = find(field);
    if (!r) return field;
    return presetfields::info(r->path).label;
}

bool PresetForm::hasErrors() const {
    for (const Row& r : rows_)
        if (!r.error.isEmpty()) return true;
    return false;
}

} // namespace bs
