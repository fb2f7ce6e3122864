#include "window/Theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace bs {

void applyApplicationTheme(bool dark) {
    QPalette p;
    if (dark) {
        qApp->setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        p.setColor(QPalette::Window, QColor(37, 37, 38));
        p.setColor(QPalette::WindowText, QColor(220, 220, 220));
        p.setColor(QPalette::Base, QColor(30, 30, 30));
        p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
        p.setColor(QPalette::Text, QColor(220, 220, 220));
        p.setColor(QPalette::Button, QColor(45, 45, 48));
        p.setColor(QPalette::ButtonText, QColor(220, 220, 220));
        p.setColor(QPalette::Highlight, QColor(0, 114, 178));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(45, 45, 48));
        p.setColor(QPalette::ToolTipText, QColor(220, 220, 220));
        p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
    } else {
        p = QApplication::style()->standardPalette();
    }
    QApplication::setPalette(p);
    // Fusion outlines an unticked box in the window colour darkened, which vanishes on a dark
    // window: the scenario list's unticked scenarios looked like they had no box at all.
    qApp->setStyleSheet(
        dark ? QStringLiteral("QAbstractItemView::indicator:unchecked, QCheckBox::indicator:unchecked "
                              "{ border: 1px solid #a0a0a0; background: #1e1e1e; width: 12px; "
                              "height: 12px; }")
             : QString());
}

} // namespace bs
