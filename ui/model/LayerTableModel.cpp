#include "model/LayerTableModel.h"

#include "base/Format.h"

#include <algorithm>
#include <cmath>

namespace bs {

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setScenario(const EvaluatedScenario* s) {
    std::vector<Row> rows;
    std::vector<int> rowOf;
    QString unitName;
    int batch = 0;
    if (s && s->error.isEmpty() && s->model) {
        const auto& layers = s->fusedModel().layers();
        rowOf.assign(layers.size(), -1);
        for (const LayerPlacement& p : s->current.layers) {
            const auto li = static_cast<std::size_t>(p.index);
            if (li >= layers.size() || layers[li].view) continue;
            rowOf[li] = static_cast<int>(rows.size());
            rows.push_back(
                {p, QString::fromStdString(layers[li].name), QString::fromStdString(layers[li].opTypes)});
        }
        if (s->hardware) unitName = QString::fromStdString(s->hardware->unitName);
        batch = s->current.totals.batch;
    }

    // Same layers (a batch step, a re-evaluation on an edited preset): update in place so the
    // view keeps its selection, sort and scroll position.
    bool sameLayers = rows.size() == rows_.size() && !rows.empty();
    for (std::size_t i = 0; sameLayers && i < rows.size(); ++i)
        sameLayers = rows[i].p.index == rows_[i].p.index && rows[i].name == rows_[i].name;
    double maxShare = 0;
    for (const Row& r : rows)
        maxShare = std::max(maxShare, r.p.share);
    if (sameLayers) {
        maxShare_ = maxShare;
        rows_ = std::move(rows);
        rowOfLayer_ = std::move(rowOf);
        unitName_ = unitName;
        batch_ = batch;
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    maxShare_ = maxShare;
    rows_ = std::move(rows);
    rowOfLayer_ = std::move(rowOf);
    unitName_ = unitName;
    batch_ = batch;
    endResetModel();
}

int LayerTableModel::rowOfLayer(int layerIndex) const {
    if (layerIndex < 0 || layerIndex >= static_cast<int>(rowOfLayer_.size())) return -1;
    return rowOfLayer_[static_cast<std::size_t>(layerIndex)];
}

int LayerTableModel::layerAt(int row) const {
    if (row < 0 || row >= rowCount()) return -1;
    return rows_[static_cast<std::size_t>(row)].p.index;
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

double attainedFlops(const LayerPlacement& p) {
    return p.latency_s > 0 ? p.flops / p.latency_s : 0;
}

int spillCode(const LayerPlacement& p) {
    return (p.inputSpilled ? 1 : 0) + (p.outputSpilled ? 2 : 0);
}

// The table shows one decimal more than the report: rows are compared with each other.
QString percent(double fraction) {
    return formatPercent(fraction, 1);
}

} // namespace

QVariant LayerTableModel::display(const Row& r, int column) const {
    const LayerPlacement& p = r.p;
    switch (column) {
    case ColIndex:
        return p.index;
    case ColName:
        return r.name;
    case ColOps:
        return r.ops;
    case ColBound:
        return boundLabel(p);
    case ColLatency:
        return formatSeconds(p.latency_s);
    case ColShare:
        return percent(p.share);
    case ColCompute:
        return formatSeconds(p.compute_s);
    case ColMemory:
        return formatSeconds(p.memory_s);
    case ColLaunch:
        return formatSeconds(p.launch_s);
    case ColHost:
        return formatSeconds(p.host_s);
    case ColPower:
        return formatSi(p.power_w, QStringLiteral("W"));
    case ColFlops:
        return formatSi(p.flops, QStringLiteral("FLOP"));
    case ColDramBytes:
        return formatSi(p.dramBytes, QStringLiteral("B"));
    case ColIntensity:
        return formatNumber(p.arithmeticIntensity);
    case ColAttained:
        return formatSi(attainedFlops(p), QStringLiteral("FLOP/s"));
    case ColUnits:
        return QString(QString::number(p.unitsAllocated, 'f', 0) + QStringLiteral(" / ") +
                       QString::number(p.unitsTotal, 'f', 0) + QStringLiteral(" ") + unitName_);
    case ColCriticalBatch:
        return formatNumber(p.criticalBatch);
    case ColUtilization:
        return percent(p.utilization);
    case ColSpill: {
        static const QString kSpill[] = {QStringLiteral("—"), QStringLiteral("in"), QStringLiteral("out"),
                                         QStringLiteral("in + out")};
        return kSpill[spillCode(p)];
    }
    default:
        return {};
    }
}

QVariant LayerTableModel::sortValue(const Row& r, int column) const {
    const LayerPlacement& p = r.p;
    switch (column) {
    case ColIndex:
        return p.index;
    case ColName:
        return r.name;
    case ColOps:
        return r.ops;
    case ColBound:
        return boundLabel(p);
    case ColLatency:
        return p.latency_s;
    case ColShare:
        return p.share;
    case ColCompute:
        return p.compute_s;
    case ColMemory:
        return p.memory_s;
    case ColLaunch:
        return p.launch_s;
    case ColHost:
        return p.host_s;
    case ColPower:
        return p.power_w;
    case ColFlops:
        return p.flops;
    case ColDramBytes:
        return p.dramBytes;
    case ColIntensity:
        return p.arithmeticIntensity;
    case ColAttained:
        return attainedFlops(p);
    case ColUnits:
        return p.unitsAllocated;
    case ColCriticalBatch:
        // Infinity sorts above every finite batch; QVariant compares doubles including inf.
        return p.criticalBatch;
    case ColUtilization:
        return p.utilization;
    case ColSpill:
        return spillCode(p);
    default:
        return {};
    }
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    const int c = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(r, c);
    case SortRole:
        return sortValue(r, c);
    case ShareRole:
        return r.p.share;
    case BarFractionRole:
        return maxShare_ > 0 ? r.p.share / maxShare_ : 0.0;
    case LayerIndexRole:
        return r.p.index;
    case FilterRole:
        return QString(r.name + QLatin1Char(' ') + r.ops + QLatin1Char(' ') + boundLabel(r.p));
    case Qt::TextAlignmentRole:
        if (c == ColName || c == ColOps || c == ColBound || c == ColSpill)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
        if (c == ColName || c == ColOps)
            return QStringLiteral("<b>%1</b><br>%2").arg(r.name.toHtmlEscaped(), r.ops.toHtmlEscaped());
        if (c == ColSpill && spillCode(r.p) != 0)
            return tr("An activation this layer reads (in) or writes (out) did not fit in the on-chip "
                      "activation budget at batch %1 and went through DRAM.")
                .arg(batch_);
        return {};
    default:
        return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        static const char* const kTitles[] = {
            "#",          "layer",     "ops",      "bound", "latency",        "share of time",
            "compute",    "memory",    "launch",   "host",  "power",          "FLOPs",
            "DRAM bytes", "intensity", "attained", "units", "critical batch", "utilization",
            "spill"};
        return tr(kTitles[section]);
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ColIndex:
            return tr("Index of the layer in execution order (fused layers; views such as Reshape launch no "
                      "kernel and have no row).");
        case ColName:
            return tr("The layer's anchor operator (the op the fused tail joined).");
        case ColOps:
            return tr("Operators fused into this kernel, anchor first (e.g. Conv+BatchNormalization+Relu).");
        case ColBound:
            return tr("What sets the layer's time: compute (matrix + vector time), memory (DRAM or the "
                      "on-chip level, whichever is slower), power limit (compute slowed by the clock the "
                      "board's power limit allows) or overhead (launch + host time exceeds both).");
        case ColLatency:
            return tr("max(compute, memory) + launch + host, for the whole batch.");
        case ColCompute:
            return tr("Time on the matrix and vector units at the runtime's kernel efficiency.");
        case ColMemory:
            return tr(
                "Time to move the layer's bytes through DRAM or the on-chip level, whichever is slower.");
        case ColLaunch:
            return tr("The chip's dispatch time per kernel (the preset's dispatch_us).");
        case ColHost:
            return tr("Host time the device waits for: the runtime's launch and framework time per op, all "
                      "of it when serial (CPU), the part beyond the kernel's time when queued (async), none "
                      "under a graph launch (CUDA graphs, XLA).");
        case ColPower:
            return tr("Average board power while the layer runs: static power under load + the layer's "
                      "dynamic energy (FLOPs, DRAM and on-chip bytes) ÷ its latency. Compare with the "
                      "preset's power limit (TDP).");
        case ColShare:
            return tr("Layer latency ÷ model latency at this batch. The bar is scaled to the layer with "
                      "the largest share.");
        case ColFlops:
            return tr("Floating-point operations for the whole batch: 2 per multiply-accumulate plus "
                      "non-matrix (vector) FLOPs.");
        case ColDramBytes:
            return tr("Bytes to and from device memory for the whole batch: weights, graph inputs and "
                      "outputs, spilled activations, re-streamed operands.");
        case ColIntensity:
            return tr("Arithmetic intensity: FLOPs ÷ bytes of the memory level that bounds the layer "
                      "(FLOP/byte). Below the ridge point the layer is memory-bound.");
        case ColAttained:
            return tr("Attained rate: FLOPs ÷ layer latency.");
        case ColUnits:
            return tr("Compute units the layer's work occupies ÷ units on the chip (SMs, cores, arrays, "
                      "tiles). Fewer than all means too few tiles to fill the chip.");
        case ColCriticalBatch:
            return tr("Batch at which this layer's compute time would equal its memory time; ∞ when its "
                      "traffic grows with the batch as fast as its FLOPs.");
        case ColUtilization:
            return tr("FLOPs ÷ (latency × the chip's dense peak at this precision). A 3×3 convolution "
                      "that the runtime runs as Winograd (fp32 on a GPU) is credited with its direct "
                      "FLOPs, so it can pass 100 %.");
        case ColSpill:
            return tr("Whether an activation input (in) or output (out) did not fit on chip and went "
                      "through DRAM.");
        default:
            return {};
        }
    }
    return {};
}

} // namespace bs
