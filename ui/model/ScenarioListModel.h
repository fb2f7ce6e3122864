#pragma once
// The scenario list: one row per comparison, with its colour (DecorationRole), visibility
// (CheckStateRole, user-checkable) and a label naming model, preset and precision.
#include "model/ScenarioRow.h"

#include <QAbstractListModel>
#include <vector>

namespace bs {

class PresetStore;

class ScenarioListModel : public QAbstractListModel {
    Q_OBJECT
  public:
    enum Roles { IdRole = Qt::UserRole + 1 };
    explicit ScenarioListModel(const PresetStore* presets, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    const std::vector<ScenarioRow>& specs() const { return specs_; }
    const ScenarioRow* find(int id) const;
    int rowOf(int id) const;
    /// Appends `spec` (a new id and, if it has none, the first palette colour no scenario in the
    /// list has: a colour is never shared while its owner is in the list); returns the id.
    int add(ScenarioRow spec);
    int duplicate(int id);
    void remove(int id);
    /// Replaces scenario `spec.id`; emits specChanged.
    void update(const ScenarioRow& spec);
    void setVisible(int id, bool visible);
    /// Label shown in the list and the chart legends: "resnet50 224² · NVIDIA H100 SXM5 80GB · bf16".
    QString label(const ScenarioRow& spec) const;
    /// The n-th scenario colour: 16 distinct palette hues, then generated ones.
    static QColor paletteColor(int n);
    QColor freeColor() const;

  signals:
    /// A scenario's content changed; `modelChanged` when its model key did.
    void specChanged(int id, bool modelChanged);
    void visibilityChanged(int id);

  private:
    const PresetStore* presets_;
    std::vector<ScenarioRow> specs_;
    int nextId_ = 1;
};

} // namespace bs
