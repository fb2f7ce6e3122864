#pragma once
// The layers of one scenario at the current batch as a table: one row per kernel layer (views such
// as Reshape/Flatten launch nothing and are left out), the engine's LayerPlacement numbers in the
// columns. DisplayRole is formatted text with units; SortRole holds the raw number (seconds,
// FLOPs, bytes, fractions) so sorting and tests see exactly what the engine computed.
//
// A batch step keeps the rows (same model, same layers) and only emits dataChanged, so a view's
// selection and scroll position survive it; a different model resets the table.
#include "model/ExplorerTypes.h"

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace bs {

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column {
        ColIndex,
        ColName,
        ColOps,
        ColBound,
        ColLatency,
        ColShare,
        ColCompute,
        ColMemory,
        ColLaunch,
        ColHost,
        ColPower,
        ColFlops,
        ColDramBytes,
        ColIntensity,
        ColAttained,
        ColUnits,
        ColCriticalBatch,
        ColUtilization,
        ColSpill,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;           ///< raw number (or text for text columns)
    static constexpr int ShareRole = Qt::UserRole + 1;      ///< share of model latency, 0..1 (any column)
    static constexpr int LayerIndexRole = Qt::UserRole + 2; ///< index into current.layers (any column)
    static constexpr int FilterRole = Qt::UserRole + 3;     ///< "name ops bound" (any column)
    /// Share ÷ the largest share in the table, 0..1: the bar length. With dozens of layers every
    /// share is a few percent, and bars scaled to 100 % would all be slivers.
    static constexpr int BarFractionRole = Qt::UserRole + 4;

    explicit LayerTableModel(QObject* parent = nullptr);

    /// Copies what the table shows; the scenario may be destroyed afterwards. nullptr (or a scenario
    /// with an error) empties the table.
    void setScenario(const EvaluatedScenario* s);

    /// Row of a layer index, or -1 when it has no row (a view, or out of range).
    int rowOfLayer(int layerIndex) const;
    int layerAt(int row) const;
    int batch() const { return batch_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "compute", "memory (DRAM)", "memory (on-chip)", "overhead".

  private:
    struct Row {
        LayerPlacement p;
        QString name;
        QString ops;
    };
    QVariant display(const Row& r, int column) const;
    QVariant sortValue(const Row& r, int column) const;

    std::vector<Row> rows_;
    std::vector<int> rowOfLayer_; ///< per layer index, -1 for views
    QString unitName_;
    int batch_ = 0;
    double maxShare_ = 0;
};

} // namespace bs
