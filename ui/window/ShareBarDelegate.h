#pragma once
// Draws a cell as a horizontal bar proportional to a 0..1 fraction with the cell's text (the
// percentage) on top: the "share of time" column of the layer table. Colours come from the view's palette
// (highlight blended into the base), so the bar reads on light and dark themes and on selected rows.
#include <QStyledItemDelegate>

namespace bs {

class ShareBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
  public:
    /// `shareRole` holds the bar's length as a double in 0..1; the text is the DisplayRole.
    explicit ShareBarDelegate(int shareRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    /// The bar's colour for a palette: the highlight, faded towards the base when not selected.
    static QColor barColor(const QPalette& palette, bool selected);

  private:
    int shareRole_;
};

} // namespace bs
