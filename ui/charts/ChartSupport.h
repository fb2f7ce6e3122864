#pragma once
// What the explorer's four linked charts share: number formatting with SI prefixes, log-axis
// safety (a series with any value ≤ 0 on a log axis is not drawn at all), marker images for
// light-marker series, and SnapshotChart, the base view that turns ExplorerSnapshot
// updates into "rebuild everything" or "move only what the batch moves".
//
// Speed matters here: a slider step must repaint four charts within a frame, so a batch change
// only replace()s the points of series that exist already; series and axes are created only when
// the scenarios, the budget or the theme change.
#include "base/Format.h"
#include "model/ExplorerTypes.h"

#include <QChartView>
#include <QColor>
#include <QFont>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <functional>
#include <utility>
#include <vector>

class QAbstractAxis;
class QAbstractSeries;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QXYSeries;

namespace bs {

/// 10^floor(log10 v) and 10^ceil(log10 v); v must be > 0.
double decadeFloor(double v);
double decadeCeil(double v);
/// Both coordinates finite and > 0: drawable on log axes.
bool logSafe(const QPointF& p);
/// The smallest box on log axes holding the points widened into it; values ≤ 0 are skipped.
struct LogExtent {
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0; ///< all 0 while empty
    void widen(const QPointF& v) {
        widenX(v.x());
        widenY(v.y());
    }
    void widenX(double x);
    void widenY(double y);
    bool empty() const { return xlo <= 0 || ylo <= 0; }
    /// 1..10 on an axis nothing widened (an empty chart still gets a decade).
    void orDecade();
};

/// Sets the axis range only when it differs (a setRange relayouts the whole chart). Returns
/// whether it changed.
bool setRangeIfChanged(QAbstractAxis* axis, double min, double max);
/// A log2 batch axis range holding the sweep grid and the current batch, with a margin so the
/// end markers are not cut in half.
std::pair<double, double> batchAxisRange(const ExplorerSnapshot& s);
/// 1, 2 or 5 × 10^k, the first at least `roughStep`.
double niceStep(double roughStep);
/// {min, max} of a QValueAxis or QLogValueAxis.
std::pair<double, double> axisRange(const QAbstractAxis* axis);
/// replace() only when the points differ: an unchanged series costs no repaint.
void replaceIfChanged(QXYSeries* series, const QList<QPointF>& points);
/// Index of the position nearest `at` within `maxDistance_px`, or -1.
int nearestIndex(const std::vector<QPointF>& positions_px, const QPointF& at, double maxDistance_px);
QLogValueAxis* makeLogAxis(double base, const QString& title, const QString& labelFormat);

/// Images for light-marker scatter series: one image blitted per point instead of one graphics
/// item per point, which keeps a batch step over hundreds of layer points cheap.
enum class MarkerGlyph { Circle, Square, Diamond, Triangle, Cross };
QImage markerGlyph(MarkerGlyph glyph, double size_px, const QColor& fill, const QColor& border);
/// Points drawn as `glyph` with no line: a QLineSeries with no pen and a light marker, because its
/// item paints every marker itself while a QScatterSeries keeps one graphics item per point.
QLineSeries* makeGlyphSeries(MarkerGlyph glyph, double size_px, const QColor& fill, const QColor& border);

/// The words the sweep charts use for the scenarios on screen: inferences, an LLM's tokens, or both.
struct UnitWords {
    QString rate;    ///< "inferences/s", "tokens/s", "inferences/s · tokens/s (LLM)"
    QString latency; ///< "batch latency", "time per token", "time to first token", "latency"
    QString per;     ///< "inference", "token", "inference · token (LLM)"
};
UnitWords unitWords(const ExplorerSnapshot& s);

/// The four batch charts in reading order, then the serving view's (ServingChart).
enum class ChartKind { Roofline, Utilization, Tradeoff, Energy, Interactivity, Ttft, Tpot, ServingMemory };

/// Base of the explorer charts: keeps the last snapshot (tooltips read it), dispatches changes,
/// owns the theme, labels anchored to chart values and the hover tooltip.
class SnapshotChart : public QChartView {
    Q_OBJECT
  public:
    explicit SnapshotChart(QWidget* parent = nullptr);

    virtual ChartKind kind() const = 0;
    /// Whether the chart splits one scenario's energy into its parts (the energy chart can).
    virtual bool breakdownShown() const { return false; }

    /// Redraws from the snapshot; `changes` is a mask of SnapshotChange. A batch-only change
    /// moves markers and points; anything else that alters the structure rebuilds it.
    void setSnapshot(const ExplorerSnapshot& s, unsigned changes);
    /// QChart::ChartThemeDark or Light; series are re-coloured from the scenarios afterwards.
    void setDarkTheme(bool dark);
    /// The theme asked for with setDarkTheme (print mode draws light whatever it is).
    bool darkTheme() const { return print_ ? screenDark_ : dark_; }
    /// For export: light theme, legend and full title whatever the height. Turning it off brings
    /// back the theme and compact mode the chart had; scenario colours never change.
    void setPrintMode(bool on);
    bool printMode() const { return print_; }
    const ExplorerSnapshot& snapshot() const { return snap_; }
    /// Texts of the labels anchored in the plot (ridge points, "batch N", roof names).
    QStringList annotationTexts() const;
  signals:
    /// A sweep point (or a recommendation star on it) was clicked: the window moves to its batch.
    void batchClicked(int batch);

  public:
    /// Below this height a chart drops its legend and second title line and shortens labels: in
    /// the explorer's 2×2 grid the plot would otherwise shrink to a strip.
    static constexpr int kCompactHeight_px = 360;
    bool compact() const { return compact_; }
    /// Labels every 2nd or 4th power of two on a batch axis when every power does not fit at the
    /// axis's label font (call after changing that font).
    void fitAxisLabels();

  protected:
    virtual void rebuild() = 0;     ///< series, axes, labels from scratch
    virtual void updateBatch() = 0; ///< move what the current batch moves, nothing else
    virtual void updateBudget() { rebuild(); }
    /// The serving targets (TTFT, TPOT) changed; charts that do not draw them ignore it.
    virtual void updateTargets() {}
    virtual void updateSelection() {}
    /// Tooltip for the data point under `chartPos` (chart item coordinates), "" when none is near.
    virtual QString pointToolTip(const QPointF& chartPos) const = 0;
    /// What the chart shows and how each metric is defined (shown away from points).
    virtual QString chartToolTip() const = 0;
    /// Batch of the sweep point under `chartPos` (chart item coordinates), -1 when none is near.
    virtual int batchAt(const QPointF& chartPos) const {
        Q_UNUSED(chartPos);
        return -1;
    }

    /// Clears series, axes and labels and sets a (rich text) title.
    void resetChart(const QString& title);
    /// Adds the axes, plus an empty anchor series through which values map to positions.
    void setAxes(QAbstractAxis* x, QAbstractAxis* y);
    /// Adds `s` attached to both axes.
    void attach(QAbstractSeries* s, bool inLegend);
    /// Adds the series that names a scenario in the legend. On screen the legend shows it; in an
    /// export the caption under the figure names every scenario in full with its colour, because
    /// a chart's legend is one row and elides long labels to "resnet50 22…".
    void attachScenarioKey(QAbstractSeries* s) { attach(s, !print_); }
    QAbstractAxis* axisX() const { return axisX_; }
    QAbstractAxis* axisY() const { return axisY_; }
    /// Chart item position of a value (valid once the chart is laid out).
    QPointF toChart(const QPointF& value) const;
    bool plotReady() const;

    /// A text anchored at a chart value; `align` says on which side of the anchor it sits and
    /// `offset_px` shifts it further (stacking labels at one anchor).
    QGraphicsSimpleTextItem* addLabel(const QString& text, const QPointF& value, Qt::Alignment align,
                                      const QColor& color, bool small = false, QPointF offset_px = {});
    void moveLabel(QGraphicsSimpleTextItem* label, const QPointF& value);
    /// `label` keeps off data points and earlier labels: placeLabels() tries the other sides of
    /// its anchor (ridge, star, budget, memory-wall and warning labels sat on points and on each
    /// other).
    void avoidData(QGraphicsSimpleTextItem* label);
    /// Font and line height of small labels (stacking them needs the height).
    QFont smallFont() const;
    double smallLineHeight() const;
    void placeLabels();

    QColor textColor() const { return dark_ ? QColor(230, 230, 230) : QColor(35, 35, 35); }
    QColor mutedColor() const { return dark_ ? QColor(150, 150, 150) : QColor(120, 120, 120); }
    QColor markerBorder() const { return dark_ ? QColor(20, 20, 20) : QColor(255, 255, 255); }

    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    /// Within what the axes can draw (log axes: > 0).
    bool drawable(const QPointF& value) const;
    /// `value` moved onto the nearest edge of the axes' ranges (a point beyond is drawn there).
    QPointF clampToAxes(const QPointF& value) const;

  private:
    // The parts only some charts draw, composed into those charts; they draw through this
    // chart's protected canvas (attach, toChart, labels, colours).
    friend class SweepCurves;
    friend class MeasuredOverlay;

    struct Label {
        QGraphicsSimpleTextItem* item = nullptr;
        QPointF value;
        Qt::Alignment align;
        QPointF offset_px;
        bool avoidData = false;
    };
    void placeLabel(const Label& l) const;
    void placeLabelAt(const Label& l, Qt::Alignment align) const;
    /// Chart positions of the drawn data points (glyph, scatter and dotted series), for avoidData.
    std::vector<QPointF> dataPoints_px() const;
    std::vector<int> usableIds(const ExplorerSnapshot& s) const;

    ExplorerSnapshot snap_;
    std::vector<int> builtIds_; ///< scenario ids the current series were built for
    std::vector<int> builtBatches_;
    bool built_ = false;
    bool dark_ = false;
    bool compact_ = false;
    bool print_ = false;
    bool screenDark_ = false; ///< in print mode: the theme and compact mode to return to
    bool screenCompact_ = false;
    bool pointTipShown_ = false;
    QAbstractAxis* axisX_ = nullptr;
    QAbstractAxis* axisY_ = nullptr;
    QLineSeries* anchor_ = nullptr;
    std::vector<Label> labels_;
};

} // namespace bs
