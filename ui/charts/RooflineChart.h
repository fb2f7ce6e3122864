#pragma once
// The roofline of every chip among the scenarios (log-log: arithmetic intensity in FLOP/byte
// against attained TFLOP/s) with every layer of every scenario at the current batch as a point:
// shape by what bounds it (compute, DRAM, on-chip memory, launch overhead), size by its share of
// the model's time. Roofs: the dense compute peak of the scenario's precision meeting the DRAM
// slope at the ridge point (solid) and the on-chip slope (dashed); other precisions and the vector
// rate faint. A scenario on several devices adds its communication point (✕: the step's FLOPs per
// byte sent over the node's link against the attained FLOP/s, one device's) under its link roof
// (dotted: bus bandwidth × intensity), the network roofline of Cardwell & Song (2019).
// A batch step replaces the layer and communication points only.
#include "charts/ChartSupport.h"

#include <array>
#include <utility>
#include <vector>

class QLogValueAxis;

namespace bs {

class RooflineChart : public SnapshotChart {
    Q_OBJECT
  public:
    explicit RooflineChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Roofline; }

    /// The layer under a chart value (AI, TFLOP/s) within a few pixels, as {scenario index into
    /// snapshot().scenarios, layer index into current.layers}, or {-1, -1}.
    std::pair<int, int> layerNear(const QPointF& chartValue) const;
    /// Where a layer is drawn (AI, TFLOP/s), or NaN when it is not drawn (no FLOPs or no time).
    QPointF layerValue(int scenarioIndex, int layerIndex) const;
    /// Points drawn for one scenario (all categories and sizes).
    /// Layers of a scenario that have a place on the roofline (each has a marker, though identical
    /// layers share one).
    int pointCount(int scenarioIndex) const;
    /// Markers drawn for a scenario: pointCount() less the layers that coincide with another.
    int markerCount(int scenarioIndex) const;
    /// Where a scenario's communication point is drawn (FLOP per link byte, TFLOP/s), or NaN when it
    /// has no link traffic.
    QPointF communicationValue(int scenarioIndex) const;
    /// The ring around the selected layer (empty when none is selected or it is not drawn).
    QScatterSeries* selectionSeries() const { return ring_; }

  signals:
    void layerClicked(int scenarioIndex, int layerIndex);

  protected:
    void rebuild() override;
    void updateBatch() override;
    void updateBudget() override {}
    void updateSelection() override;
    QString pointToolTip(const QPointF& chartPos) const override;
    QString chartToolTip() const override;
    void mousePressEvent(QMouseEvent* event) override;

  private:
    enum Category { Compute, MemoryDram, MemoryOnChip, Overhead, kCategories };
    static constexpr int kSizes = 3;
    using LayerSeries = std::array<QLineSeries*, kCategories * kSizes>;
    struct LayerPoint {
        int scenario = -1;
        int layer = -1;
        QPointF value;
    };
    struct Roof {
        QLineSeries* series = nullptr;
        double peak_flops = 0;
        double bytesPerS = 0; ///< 0: a flat compute line
        QGraphicsSimpleTextItem* label = nullptr;
        bool labelAtLeft = false; ///< at the left end of the line, else stacked bottom right
    };

    void collectPoints();
    /// Decades that hold the roofs and the points; grows only unless `refit`.
    void fitRanges(bool refit);
    void updateRoofs();
    void updateLayerSeries();
    void updateRing();
    void updateFitWarning();
    void addRoofs();
    void addLinkRoofs();
    void updateCommunication();
    int nearestPoint(const QPointF& chartPos) const;

    QLogValueAxis* ax_ = nullptr;
    QLogValueAxis* ay_ = nullptr;
    std::vector<LayerPoint> points_;
    std::vector<int> index_; ///< into points_ per (scenario, layer), flattened by offsets_
    std::vector<int> offsets_;
    std::vector<LayerSeries> layerSeries_; ///< per scenario index; null entries for unusable ones
    std::vector<Roof> roofs_;
    QScatterSeries* ring_ = nullptr;
    std::vector<QPointF> comm_;                     ///< per scenario: its communication point (NaN: none)
    std::vector<QLineSeries*> commSeries_;          ///< per scenario: the ✕ marker (null: none)
    QGraphicsSimpleTextItem* fitWarning_ = nullptr; ///< names scenarios whose batch does not fit
    QStringList roofTexts_;                         ///< full roof descriptions, for the chart tooltip
    double roofTop_tflops = 0, ridgeMin_ = 0, ridgeMax_ = 0;
};

} // namespace bs
