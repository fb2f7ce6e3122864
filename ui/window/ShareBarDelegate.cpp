#include "window/ShareBarDelegate.h"

#include <QApplication>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace bs {

ShareBarDelegate::ShareBarDelegate(int shareRole, QObject* parent)
    : QStyledItemDelegate(parent), shareRole_(shareRole) {}

QColor ShareBarDelegate::barColor(const QPalette& palette, bool selected) {
    // On a selected row the background is the highlight itself: draw in the highlighted text
    // colour, faded, so the bar stays visible.
    const QColor fg =
        selected ? palette.color(QPalette::HighlightedText) : palette.color(QPalette::Highlight);
    const QColor bg = selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Base);
    const double a = selected ? 0.35 : 0.45;
    return QColor::fromRgbF(static_cast<float>(fg.redF() * a + bg.redF() * (1 - a)),
                            static_cast<float>(fg.greenF() * a + bg.greenF() * (1 - a)),
                            static_cast<float>(fg.blueF() * a + bg.blueF() * (1 - a)));
}

void ShareBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    // Background, selection and focus from the style, without the text.
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = opt.state & QStyle::State_Selected;
    double share = index.data(shareRole_).toDouble();
    share = std::isfinite(share) ? std::clamp(share, 0.0, 1.0) : 0.0;
    const QRect area = opt.rect.adjusted(2, 3, -2, -3);
    painter->save();
    if (share > 0) {
        // At least one pixel, so a tiny but non-zero share is visible.
        const int w = std::max(1, static_cast<int>(std::lround(area.width() * share)));
        painter->fillRect(QRect(area.left(), area.top(), w, area.height()), barColor(opt.palette, selected));
    }
    painter->setPen(
        opt.palette.color(opt.state & QStyle::State_Enabled ? QPalette::Active : QPalette::Disabled,
                          selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(opt.font);
    painter->drawText(area.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize ShareBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    // Room for a bar next to the widest percentage ("100.0 %").
    s.setWidth(std::max(s.width(), option.fontMetrics.horizontalAdvance(QStringLiteral("100.0 %")) + 60));
    return s;
}

} // namespace bs
