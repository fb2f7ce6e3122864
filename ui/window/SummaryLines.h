#pragma once
// One story line per visible scenario above the charts (the full story in each line's tooltip).
// Four lines show; more scroll, so the charts keep their height on a small screen.
#include <QScrollArea>
#include <QStringList>
#include <vector>

class QLabel;

namespace bs {

struct ExplorerSnapshot;

class SummaryLines : public QScrollArea {
    Q_OBJECT
  public:
    explicit SummaryLines(QWidget* parent = nullptr);
    void setSnapshot(const ExplorerSnapshot& s);
    /// The lines' rich text, one per visible scenario.
    QStringList lines() const;
    static constexpr std::size_t kLinesShown = 4;

  private:
    QWidget* box_;
    std::vector<QLabel*> labels_;
};

} // namespace bs
