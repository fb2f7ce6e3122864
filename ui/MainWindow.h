#pragma once
// The explorer window. For now: the default comparison (ResNet-50 and ResNet-18 on H100 and
// TPU v4) as utilization-vs-batch and throughput-vs-batch charts from the engine's batch sweep.
// The full explorer (scenario list, preset editor, linked charts) grows from here.
#include <QMainWindow>

namespace bs {

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace bs
