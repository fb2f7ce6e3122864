#pragma once
// A heat map of one metric over two design axes (docs/MODEL.md §20, the design-space view): one
// cell per design point coloured from low to high, cells where no batch qualifies grey, the edge of
// the cells that meet the latency budget drawn as a contour, and the scenario's current preset
// marked with a ring. Painted with QPainter: Qt Charts has no heat map.
#include <QString>
#include <QWidget>
#include <vector>

namespace bs {

class HeatMap : public QWidget {
    Q_OBJECT
  public:
    struct Data {
        QString title, xLabel, yLabel, unit;
        std::vector<double> xs, ys;    ///< the axes' values (x: the first axis)
        std::vector<double> values;    ///< xs.size() × ys.size(), x outermost; NaN: no batch qualifies
        std::vector<bool> meetsBudget; ///< as values; drawn as a contour when hasBudget
        bool hasBudget = false;
        double currentX = 0, currentY = 0; ///< the scenario's preset (NaN: not marked)
    };

    explicit HeatMap(QWidget* parent = nullptr);
    void setData(Data data);
    const Data& data() const { return data_; }
    void setDarkTheme(bool dark);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

  private:
    QRectF plotRect() const;
    QRectF cellRect(std::size_t ix, std::size_t iy) const;
    /// Where a value falls along an axis, in cells (interpolated between the values it lies between).
    static double position(const std::vector<double>& axis, double v);

    Data data_;
    bool dark_ = false;
};

/// Viridis, t in [0, 1]: perceptually even and readable in grey and by colour-blind readers.
QColor viridis(double t);

} // namespace bs
