#include "window/LayerTablePanel.h"

#include "model/LayerTableModel.h"
#include "window/ShareBarDelegate.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace bs {

LayerTablePanel::LayerTablePanel(QWidget* parent) : QWidget(parent) {
    model_ = new LayerTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(LayerTableModel::SortRole);
    proxy_->setFilterRole(LayerTableModel::FilterRole);
    proxy_->setFilterKeyColumn(0);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);

    title_ = new QLabel(this);
    title_->setTextFormat(Qt::RichText);
    // A long title (a scenario's import error) wraps instead of widening the window.
    title_->setWordWrap(true);
    title_->setMinimumWidth(120);
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter layers (name, ops, bound)"));
    filter_->setClearButtonEnabled(true);
    filter_->setToolTip(tr("Shows only layers whose name, fused operators or bound contain this text "
                           "(case-insensitive), e.g. \"conv\" or \"memory\"."));
    filter_->setMinimumWidth(filter_->fontMetrics().horizontalAdvance(QStringLiteral("Filter layers")) + 48);
    filter_->setMaximumWidth(filter_->fontMetrics().horizontalAdvance(filter_->placeholderText()) + 48);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

    view_ = new QTableView(this);
    view_->setModel(proxy_);
    view_->setItemDelegateForColumn(LayerTableModel::ColShare,
                                    new ShareBarDelegate(LayerTableModel::BarFractionRole, view_));
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setAlternatingRowColors(true);
    view_->setSortingEnabled(true);
    view_->sortByColumn(LayerTableModel::ColShare, Qt::DescendingOrder);
    view_->setWordWrap(false);
    view_->setTextElideMode(Qt::ElideMiddle);
    view_->verticalHeader()->hide();
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 8);
    view_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view_->horizontalHeader()->setHighlightSections(false);
    view_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LayerTablePanel::onSelectionChanged);
    // Column widths follow the content when the layers change, not on every batch step (that
    // would measure every cell 60 times a second while the slider moves).
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        view_->resizeColumnsToContents();
        view_->setColumnWidth(LayerTableModel::ColName,
                              std::min(view_->columnWidth(LayerTableModel::ColName), 160));
        view_->setColumnWidth(LayerTableModel::ColOps,
                              std::min(view_->columnWidth(LayerTableModel::ColOps), 280));
        view_->setColumnWidth(LayerTableModel::ColShare,
                              std::max(view_->columnWidth(LayerTableModel::ColShare), 120));
    });

    auto* top = new QHBoxLayout;
    top->addWidget(title_, 1);
    top->addWidget(filter_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(view_, 1);
    setScenario(nullptr);
}

void LayerTablePanel::setScenario(const EvaluatedScenario* s, const QString& emptyHint) {
    title_->setToolTip({});
    if (!s) {
        title_->setText(QStringLiteral("<i>%1</i>")
                            .arg(emptyHint.isEmpty()
                                     ? tr("Select a scenario to see its layers at the current batch.")
                                     : emptyHint.toHtmlEscaped()));
    } else if (!s->error.isEmpty()) {
        title_->setText(tr("<b>%1</b>: %2").arg(s->label.toHtmlEscaped(), s->error.toHtmlEscaped()));
        title_->setToolTip(s->error.toHtmlEscaped()); // the wrapped title may be cut
    } else {
        title_->setText(tr("<span style=\"color:%1\">■</span> <b>%2</b> · batch %3 · %4 kernel layers")
                            .arg(s->color.name(), s->label.toHtmlEscaped())
                            .arg(s->current.totals.batch)
                            .arg(s->model ? s->fusedModel().kernelLayerCount() : 0));
    }
    model_->setScenario(s && s->error.isEmpty() ? s : nullptr);
    // A reset (other layers) drops the selection; say so once.
    if (selectedLayer() < 0 && reported_ >= 0) {
        reported_ = -1;
        emit layerSelected(-1);
    }
}

int LayerTablePanel::selectedLayer() const {
    const QModelIndexList rows = view_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return -1;
    return rows.first().data(LayerTableModel::LayerIndexRole).toInt();
}

void LayerTablePanel::selectLayer(int layerIndex) {
    const int row = model_->rowOfLayer(layerIndex);
    quiet_ = true;
    if (row < 0) {
        view_->selectionModel()->clearSelection();
        reported_ = -1;
        quiet_ = false;
        return;
    }
    QModelIndex at = proxy_->mapFromSource(model_->index(row, 0));
    if (!at.isValid() && !filter_->text().isEmpty()) {
        filter_->clear();
        at = proxy_->mapFromSource(model_->index(row, 0));
    }
    view_->selectionModel()->setCurrentIndex(at,
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view_->scrollTo(at, QAbstractItemView::PositionAtCenter);
    reported_ = layerIndex;
    quiet_ = false;
}

void LayerTablePanel::onSelectionChanged() {
    if (quiet_) return;
    const int layer = selectedLayer();
    // A re-sort or a filter that keeps the row also moves the selection; only a different layer is news.
    if (layer == reported_) return;
    reported_ = layer;
    emit layerSelected(layer);
}

} // namespace bs
