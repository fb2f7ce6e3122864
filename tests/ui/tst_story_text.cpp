// The story line (ui/model/StoryText): the engine's story (eval/Story) as the rich text the window
// shows, escaped, in the scenario's colour, with the budget and a scenario's error.
// Links batchscope_model only.
#include "eval/Sweep.h"
#include "hardware/PresetLoader.h"
#include "model/StoryText.h"
#include "zoo/ModelZoo.h"

#include <QtTest>

using namespace bs;

class TstStoryText : public QObject {
    Q_OBJECT
  private slots:
    void storyLine() {
        const PresetLibrary lib = PresetLibrary::shipped();
        EvaluatedScenario e;
        e.id = 1;
        e.label = QStringLiteral("resnet50 · H100 <SXM>");
        e.color = QColor(0x1f, 0x77, 0xb4);
        e.model = std::make_shared<const PreparedModel>(ModelZoo::build("resnet50"));
        e.hardware = std::make_shared<const HardwarePreset>(*lib.find("h100-sxm"));
        e.precision = Precision::BF16;
        const EvalInput s{e.model.get(), e.hardware.get(), e.precision};
        e.sweep = sweepBatches(s, parseBatchList("1..1024*2"));
        e.current = evaluate(s, 1);
        e.recommendedBatch = recommendedBatch(e.sweep, std::nullopt);
        ExplorerSnapshot snap;
        snap.batch = 1;
        snap.latencyBudget_s = 0.001;
        const QString html = storyHtml(e, snap);
        QVERIFY(html.contains(QStringLiteral("resnet50 · H100 &lt;SXM&gt;")));
        QVERIFY(html.contains(e.color.name()));
        QVERIFY(html.contains(QStringLiteral("batch 1: ")));
        QVERIFY(html.contains(QStringLiteral("within the 1 ms budget")));
        QVERIFY(html.contains(QStringLiteral("<b>Limiter:</b> dispatch overhead")));
        e.error = QStringLiteral("h100-sxm has no int4");
        QVERIFY(storyHtml(e, snap).contains(QStringLiteral("h100-sxm has no int4")));
    }
};

QTEST_GUILESS_MAIN(TstStoryText)
#include "tst_story_text.moc"
