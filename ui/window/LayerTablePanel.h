#pragma once
// The per-layer table of one scenario at the current batch: a filter (name, ops, bound; case
// insensitive), the scenario's name, and a sortable table (default: share of time, largest first)
// with a share bar. Selecting a row reports the layer so the roofline can highlight it, and a
// click on the roofline selects the row here. The selected layer stays selected across batch steps.
#include "model/ExplorerTypes.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace bs {

class LayerTableModel;

class LayerTablePanel : public QWidget {
    Q_OBJECT
  public:
    explicit LayerTablePanel(QWidget* parent = nullptr);

    /// nullptr: empty table with a hint. Keeps the selected layer when the layers are the same.
    /// `emptyHint` replaces the "select a scenario" text when `s` is null.
    void setScenario(const EvaluatedScenario* s, const QString& emptyHint = {});

    LayerTableModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* view() const { return view_; }
    QLineEdit* filterEdit() const { return filter_; }
    /// Layer index of the selected row, or -1.
    int selectedLayer() const;

  public slots:
    /// Selects and scrolls to the layer (index into current.layers); -1 clears the selection. A
    /// layer hidden by the filter clears the filter. Does not emit layerSelected: the caller knows.
    void selectLayer(int layerIndex);

  signals:
    /// The user selected a row (layer index into current.layers), or -1 when the selection was cleared.
    void layerSelected(int layerIndex);

  private:
    void onSelectionChanged();

    LayerTableModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* view_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QLabel* title_ = nullptr;
    int reported_ = -1;  ///< last layer reported or set, so a re-sort does not re-emit
    bool quiet_ = false; ///< selecting programmatically
};

} // namespace bs
