#include "model/ScenarioListModel.h"

#include "model/PresetStore.h"
#include "model/SnapshotBuilder.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace bs {

ScenarioListModel::ScenarioListModel(const PresetStore* presets, QObject* parent)
    : QAbstractListModel(parent), presets_(presets) {}

int ScenarioListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(specs_.size());
}

QString ScenarioListModel::label(const ScenarioRow& spec) const {
    const auto preset = presets_ ? presets_->find(spec.presetId) : nullptr;
    return spec.label(preset.get());
}

QVariant ScenarioListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ScenarioRow& s = specs_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return label(s);
    case Qt::DecorationRole:
        return s.color;
    case Qt::CheckStateRole:
        return s.visible ? Qt::Checked : Qt::Unchecked;
    case Qt::ToolTipRole:
        return QStringLiteral("%1\nModel: %2\nPreset: %3\nPrecision: %4\nUntick to hide it from every "
                              "chart and the layer table.")
            .arg(label(s), s.isOnnx() ? s.onnxPath : s.modelId, s.presetId,
                 QString::fromLatin1(precisionName(s.precision)));
    case IdRole:
        return s.id;
    default:
        return {};
    }
}

bool ScenarioListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::CheckStateRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    setVisible(specs_[static_cast<std::size_t>(index.row())].id,
               value.value<Qt::CheckState>() == Qt::Checked || value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags ScenarioListModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
}

const ScenarioRow* ScenarioListModel::find(int id) const {
    const int row = rowOf(id);
    return row < 0 ? nullptr : &specs_[static_cast<std::size_t>(row)];
}

int ScenarioListModel::rowOf(int id) const {
    for (std::size_t i = 0; i < specs_.size(); ++i)
        if (specs_[i].id == id) return static_cast<int>(i);
    return -1;
}

namespace {
// Okabe–Ito's hues (distinguishable for colour-blind viewers and on a projector) without its pale
// yellow, which is hard to read on white, then Paul Tol's "muted" hues and a few darker ones, so
// that 16 scenarios on screen never share a colour.
const QColor kPalette[] = {
    QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7),
    QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9), QColor(0x33, 0x22, 0x88), QColor(0x88, 0x22, 0x55),
    QColor(0x11, 0x77, 0x33), QColor(0x99, 0x99, 0x33), QColor(0xAA, 0x44, 0x99), QColor(0x44, 0xAA, 0x99),
    QColor(0x8C, 0x56, 0x4B), QColor(0x70, 0x70, 0x70), QColor(0xB8, 0x86, 0x0B), QColor(0x17, 0xBE, 0xCF)};
constexpr int kPaletteSize = static_cast<int>(std::size(kPalette));
} // namespace

QColor ScenarioListModel::paletteColor(int n) {
    if (n < kPaletteSize) return kPalette[n];
    // Past the palette: hues a golden angle apart at a lightness readable on white and on dark.
    return QColor::fromHsl(static_cast<int>(std::fmod((n - kPaletteSize) * 137.508 + 15, 360.0)), 170, 105);
}

QColor ScenarioListModel::freeColor() const {
    for (int n = 0;; ++n) {
        const QColor c = paletteColor(n);
        if (std::none_of(specs_.begin(), specs_.end(), [&](const ScenarioRow& s) { return s.color == c; }))
            return c;
    }
}

int ScenarioListModel::add(ScenarioRow spec) {
    spec.id = nextId_++;
    if (!spec.color.isValid()) spec.color = freeColor();
    const int row = rowCount();
    beginInsertRows({}, row, row);
    specs_.push_back(std::move(spec));
    endInsertRows();
    return specs_.back().id;
}

int ScenarioListModel::duplicate(int id) {
    const ScenarioRow* s = find(id);
    if (!s) return -1;
    ScenarioRow copy = *s;
    copy.color = QColor();
    return add(copy);
}

void ScenarioListModel::remove(int id) {
    const int row = rowOf(id);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    specs_.erase(specs_.begin() + row);
    endRemoveRows();
}

void ScenarioListModel::update(const ScenarioRow& spec) {
    const int row = rowOf(spec.id);
    if (row < 0) return;
    ScenarioRow& s = specs_[static_cast<std::size_t>(row)];
    const bool modelChanged = s.modelKey() != spec.modelKey();
    s = spec;
    emit dataChanged(index(row), index(row));
    emit specChanged(spec.id, modelChanged);
}

void ScenarioListModel::setVisible(int id, bool visible) {
    const int row = rowOf(id);
    if (row < 0 || specs_[static_cast<std::size_t>(row)].visible == visible) return;
    specs_[static_cast<std::size_t>(row)].visible = visible;
    emit dataChanged(index(row), index(row), {Qt::CheckStateRole});
    emit visibilityChanged(id);
}

} // namespace bs
