#pragma once
// The window's design-space sweep (docs/MODEL.md §20, docs/USER_GUIDE.md "Design space"): the
// explorer's visible scenarios swept over one or two axes by exploreDesignSpace() on a background
// thread, with progress and cancel, so the window never waits; and a design point the user picks
// turned into a user preset (derived_from kept, saved like any other) and a scenario on it.
#include "explore/Explore.h"
#include "model/ScenarioRow.h"

#include <QColor>
#include <QFutureWatcher>
#include <QObject>
#include <atomic>
#include <memory>

namespace bs {

class Explorer;

/// One finished run: what was asked and the rows (DesignRow::scenario indexes `scenarios`).
struct DesignSpaceResult {
    ExploreRequest request;
    std::vector<ScenarioRow> scenarios; ///< the visible scenarios when the run started
    std::vector<QString> labels;
    std::vector<DesignRow> rows;
    /// Each scenario's current value of each axis (its preset's field or its model's knob).
    std::vector<std::vector<double>> current;
};

class DesignSpaceRun : public QObject {
    Q_OBJECT
  public:
    explicit DesignSpaceRun(Explorer* explorer, QObject* parent = nullptr);
    ~DesignSpaceRun() override; ///< cancels a run and waits for it

    /// Starts a sweep of the visible, evaluated scenarios over `axes` ("PATH=LIST", one or two),
    /// at the explorer's latency budget. Returns "" or why it cannot start (a bad axis, no
    /// scenario); errors found while running arrive by failed().
    QString start(const QStringList& axes, Objective objective);
    void cancel();
    bool running() const { return watcher_.isRunning(); }
    const DesignSpaceResult& result() const { return result_; }

    /// Saves design point `row` of the last result as a user preset derived from its scenario's
    /// preset (when a preset field was varied) and adds a scenario on it with the knob axes'
    /// values; returns the new scenario's id, or -1 with `error` set.
    int adopt(std::size_t row, QString* error);

  signals:
    void progress(int done, int total);
    void finished(); ///< result() holds the rows
    void failed(const QString& message);
    void cancelled();

  private:
    Explorer* explorer_;
    QFutureWatcher<QString> watcher_; ///< the run's error ("" on success)
    std::atomic<bool> cancel_{false};
    DesignSpaceResult pending_, result_;
};

} // namespace bs
