// The preset editor driven like a user: keys into the line edits named after their JSON path,
// Return to commit. Checks that accepted edits reach the store, its file and the evaluation, and
// that rejected ones leave all three untouched.
#include "FileChecks.h"
#include "eval/Evaluator.h"
#include "model/PresetDiff.h"
#include "model/PresetFields.h"
#include "model/PresetStore.h"
#include "presets/PresetEditor.h"
#include "zoo/ModelZoo.h"

#include <QComboBox>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <functional>
#include <memory>

using namespace bs;
using bs::test::readAll;
using bs::test::writeAll;

namespace {

const QString kOrigin = QStringLiteral("a100-sxm4-40gb");
const QString kCopy = QStringLiteral("a100-sxm4-40gb-copy");
const QString kBandwidth = QStringLiteral("memory.dram.bandwidth_gb_s");

QString shippedDir() {
    return qEnvironmentVariable("BATCHSCOPE_PRESET_DIR");
}

// A store over the shipped presets and an empty user directory, and an editor on it.
struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<PresetStore> store;
    std::unique_ptr<PresetEditor> editor;
    Fixture() {
        store = std::make_unique<PresetStore>(shippedDir(), dir.path());
        editor = std::make_unique<PresetEditor>(store.get());
        editor->resize(1000, 800);
    }
    QLineEdit* edit(const QString& name) const { return editor->findChild<QLineEdit*>(name); }
    QLabel* message(const QString& row) const {
        return editor->findChild<QLabel*>(row + QStringLiteral(".message"));
    }
    /// Replaces the text of a line edit like a user and presses Return.
    void type(const QString& name, const QString& text) const {
        QLineEdit* e = edit(name);
        QVERIFY2(e, qPrintable(QStringLiteral("no editor named ") + name));
        e->selectAll();
        QTest::keyClick(e, Qt::Key_Backspace);
        QTest::keyClicks(e, text);
        QTest::keyClick(e, Qt::Key_Return);
    }
    QString duplicateOrigin() const {
        editor->showPreset(kOrigin);
        return editor->duplicateCurrent();
    }
};

} // namespace

class TestPresetEditor : public QObject {
    Q_OBJECT
  private:
    std::unique_ptr<PreparedModel> resnet50_;

    Totals evaluateResnet(const HardwarePreset& hw) const {
        return evaluateTotals(EvalInput{resnet50_.get(), &hw, hw.defaultPrecision}, 1);
    }

  private slots:
    void initTestCase() {
        QVERIFY2(!shippedDir().isEmpty(), "set BATCHSCOPE_PRESET_DIR to the shipped presets");
        resnet50_ = std::make_unique<PreparedModel>(ModelZoo::build("resnet50"));
    }

    void builtInIsReadOnly() {
        Fixture f;
        f.editor->showPreset(kOrigin);
        QCOMPARE(f.editor->currentId(), kOrigin);
        auto* banner = f.editor->findChild<QWidget*>(QStringLiteral("builtInBanner"));
        QVERIFY(banner && banner->isVisibleTo(f.editor.get()));
        QVERIFY(!f.editor->findChild<QPushButton*>(QStringLiteral("deleteButton"))->isEnabled());
        const auto edits =
            f.editor->findChild<QWidget*>(QStringLiteral("presetForm"))->findChildren<QLineEdit*>();
        QVERIFY(edits.size() > 40);
        for (const QLineEdit* e : edits)
            QVERIFY2(e->isReadOnly(), qPrintable(e->objectName()));
        QVERIFY(!f.editor->findChild<QComboBox*>(QStringLiteral("status"))->isEnabled());

        const QJsonObject before = f.store->json(kOrigin);
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("800"));
        QCOMPARE(f.store->json(kOrigin), before);
        QCOMPARE(f.store->find(kOrigin)->dram.bandwidthGBs.value, 1555.0);
        QVERIFY(QDir(f.dir.path()).entryList({QStringLiteral("*.json")}).isEmpty());
        QCOMPARE(f.editor->undoStack()->count(), 0);
        // What the user would have to do instead: the store refuses built-in edits too.
        std::vector<PresetIssue> issues;
        QVERIFY(!f.store->update(kOrigin, before, &issues));
    }

    void fieldsHaveUnitsAndSources() {
        Fixture f;
        f.editor->showPreset(kOrigin);
        const auto unit = [&](const QString& row) {
            auto* l = f.editor->findChild<QLabel*>(row + QStringLiteral(".unit"));
            return l ? l->text() : QStringLiteral("<no unit label>");
        };
        QCOMPARE(unit(kBandwidth), QStringLiteral("GB/s"));
        QCOMPARE(unit(QStringLiteral("clock_ghz")), QStringLiteral("GHz"));
        QCOMPARE(unit(QStringLiteral("peak_tflops.bf16")), QStringLiteral("TFLOP/s"));
        QCOMPARE(unit(QStringLiteral("peak_tflops.int8")), QStringLiteral("TOP/s"));
        QCOMPARE(unit(QStringLiteral("memory.onchip.capacity_mib")), QStringLiteral("MiB"));
        QCOMPARE(unit(QStringLiteral("memory.local.capacity_kib_per_unit")), QStringLiteral("KiB/unit"));
        QCOMPARE(unit(QStringLiteral("energy.pj_per_flop.bf16")), QStringLiteral("pJ/FLOP"));
        QCOMPARE(unit(QStringLiteral("overheads.dispatch_us")), QStringLiteral("µs"));
        QCOMPARE(unit(QStringLiteral("efficiency.compute_fraction")), QStringLiteral("fraction 0–1"));
        QCOMPARE(unit(QStringLiteral("compute_units")), QStringLiteral("SM"));
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".value"))->text(), QStringLiteral("1555"));
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".source"))->text(),
                 QString::fromStdString(f.store->find(kOrigin)->dram.bandwidthGBs.source));
        QVERIFY(
            f.edit(kBandwidth + QStringLiteral(".value"))->toolTip().contains(QStringLiteral("1,555 GB/s")));
        for (const char* group :
             {"general", "compute", "memory", "energy", "overheads", "efficiency", "mapping"})
            QVERIFY2(f.editor->findChild<QWidget*>(QStringLiteral("group.") + QLatin1String(group)), group);
        QCOMPARE(f.edit(QStringLiteral("mapping.tile_candidates.value"))->text(),
                 QStringLiteral("128×256, 256×128, 128×128, 128×64, 64×64"));
        // A power mode's fields are rows of the energy group, labelled with the mode.
        f.editor->showPreset(QStringLiteral("jetson-orin-agx"));
        QCOMPARE(unit(QStringLiteral("power_modes.30w.clock_ghz")), QStringLiteral("GHz"));
        QCOMPARE(f.edit(QStringLiteral("power_modes.30w.clock_ghz.value"))->text(), QStringLiteral("0.612"));
        QCOMPARE(f.edit(QStringLiteral("power_modes.15w.name"))->text(), QStringLiteral("15 W (MODE_15W)"));
        QCOMPARE(presetfields::info(QStringLiteral("power_modes.30w.active_units"), {}).label,
                 QStringLiteral("30w · Mode active units"));
    }

    void everyShippedPresetHasAFullForm() {
        Fixture f;
        QVERIFY(f.store->ids().size() >= 10);
        for (const QString& id : f.store->ids()) {
            f.editor->showPreset(id);
            QCOMPARE(f.editor->currentId(), id);
            // Every {"value","source"} number of the JSON has a value editor, a unit and its source.
            int numbers = 0;
            std::function<void(const QJsonObject&, const QString&)> walk = [&](const QJsonObject& o,
                                                                               const QString& prefix) {
                for (auto it = o.begin(); it != o.end(); ++it) {
                    const QString path =
                        prefix.isEmpty() ? it.key() : QString(prefix + QLatin1Char('.') + it.key());
                    const QJsonObject child = it.value().toObject();
                    if (child.contains(QStringLiteral("value")) && child.contains(QStringLiteral("source"))) {
                        ++numbers;
                        QLineEdit* value = f.edit(path + QStringLiteral(".value"));
                        QVERIFY2(value, qPrintable(id + QStringLiteral(": ") + path));
                        QVERIFY2(!value->text().isEmpty(), qPrintable(path));
                        auto* unit = f.editor->findChild<QLabel*>(path + QStringLiteral(".unit"));
                        QVERIFY2(unit && !unit->text().isEmpty(),
                                 qPrintable(id + QStringLiteral(": ") + path));
                        QCOMPARE(f.edit(path + QStringLiteral(".source"))->text(),
                                 child.value(QStringLiteral("source")).toString());
                    } else if (it.value().isObject()) {
                        walk(child, path);
                    }
                }
            };
            walk(f.store->json(id), {});
            QVERIFY(numbers >= 20);
            // … and the optional price's row where the preset has none.
            const int price = f.store->json(id).contains(QStringLiteral("cost")) ? 0 : 1;
            QCOMPARE(f.editor->findChildren<QLabel*>(QRegularExpression(QStringLiteral("\\.unit$"))).size(),
                     numbers + price);
        }
    }

    void duplicateCreatesUserPreset() {
        Fixture f;
        f.editor->showPreset(kOrigin);
        QSignalSpy created(f.editor.get(), &PresetEditor::presetCreated);
        QTest::mouseClick(f.editor->findChild<QPushButton*>(QStringLiteral("bannerDuplicateButton")),
                          Qt::LeftButton);
        QCOMPARE(created.count(), 1);
        QCOMPARE(created.at(0).at(0).toString(), kCopy);
        QCOMPARE(f.editor->currentId(), kCopy);
        const QString file = QDir(f.dir.path()).filePath(kCopy + QStringLiteral(".json"));
        QCOMPARE(f.store->fileOf(kCopy), file);
        const QJsonObject saved = QJsonDocument::fromJson(readAll(file)).object();
        QCOMPARE(saved.value(QStringLiteral("derived_from")).toString(), kOrigin);
        QCOMPARE(saved.value(QStringLiteral("id")).toString(), kCopy);
        QVERIFY(!f.editor->findChild<QWidget*>(QStringLiteral("builtInBanner"))->isVisibleTo(f.editor.get()));
        QVERIFY(!f.edit(kBandwidth + QStringLiteral(".value"))->isReadOnly());
        QVERIFY(f.edit(QStringLiteral("id"))->isReadOnly());
        auto* combo = f.editor->findChild<QComboBox*>(QStringLiteral("presetCombo"));
        QCOMPARE(combo->currentData().toString(), kCopy);
        QVERIFY(combo->currentText().contains(QStringLiteral("(user)")));
        // A second duplicate gets a fresh id; it still diffs against the shipped preset.
        const QString second = f.editor->duplicateCurrent();
        QCOMPARE(second, kCopy + QStringLiteral("-copy"));
        QCOMPARE(f.store->originOf(second), kOrigin);
    }

    void editReevaluates() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        QVERIFY(!id.isEmpty());
        const auto original = f.store->find(id);
        const Totals before = evaluateResnet(*original);
        // What the explorer does on presetChanged: evaluate again with the store's current preset.
        std::vector<Totals> reevaluated;
        connect(f.store.get(), &PresetStore::presetChanged, f.editor.get(), [&](const QString& changed) {
            reevaluated.push_back(evaluateResnet(*f.store->find(changed)));
        });
        QSignalSpy changed(f.store.get(), &PresetStore::presetChanged);

        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("400"));

        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), id);
        QCOMPARE(f.store->find(id)->dram.bandwidthGBs.value, 400.0);
        QCOMPARE(f.store->json(id)
                     .value(QStringLiteral("memory"))
                     .toObject()
                     .value(QStringLiteral("dram"))
                     .toObject()
                     .value(QStringLiteral("bandwidth_gb_s"))
                     .toObject()
                     .value(QStringLiteral("value"))
                     .toDouble(),
                 400.0);
        const PresetLoadResult onDisk = loadPresetFile(f.store->fileOf(id).toStdString());
        QVERIFY(onDisk.ok());
        QCOMPARE(onDisk.preset->dram.bandwidthGBs.value, 400.0);
        QCOMPARE(original->dram.bandwidthGBs.value, 1555.0); // a snapshot's copy is never edited in place

        HardwarePreset expected = *original;
        expected.dram.bandwidthGBs.value = 400;
        const Totals want = evaluateResnet(expected);
        QCOMPARE(reevaluated.size(), std::size_t(1));
        QCOMPARE(reevaluated[0].latency_s, want.latency_s);
        // Batch 1 streams ResNet-50's weights from DRAM: a quarter of the bandwidth costs real time.
        QVERIFY2(reevaluated[0].memory_s > 2.0 * before.memory_s,
                 qPrintable(QStringLiteral("memory time %1 s -> %2 s")
                                .arg(before.memory_s)
                                .arg(reevaluated[0].memory_s)));
        QVERIFY(reevaluated[0].latency_s > 1.2 * before.latency_s);
        QCOMPARE(f.editor->undoStack()->count(), 1);
        QVERIFY(!f.message(kBandwidth)->isVisibleTo(f.editor.get()));
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".value"))->text(), QStringLiteral("400"));

        // Re-committing the same value is not an edit.
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("400.0"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(f.editor->undoStack()->count(), 1);
    }

    void aPriceCanBeGivenWhereThereIsNone() {
        // The L4 preset has no price: its copy shows the field "(absent)"; typing one saves a cost object
        // whose source says the user gave it, and the cost per million inferences follows.
        Fixture f;
        f.editor->showPreset(QStringLiteral("l4"));
        const QString id = f.editor->duplicateCurrent();
        QVERIFY(!id.isEmpty());
        QCOMPARE(f.store->find(id)->usdPerDeviceHour.value, 0.0);
        QLineEdit* price = f.edit(QStringLiteral("cost.usd_per_device_hour.value"));
        QVERIFY(price);
        QCOMPARE(price->text(), QStringLiteral("(absent)"));
        f.type(QStringLiteral("cost.usd_per_device_hour.value"), QStringLiteral("0.8"));
        const auto hw = f.store->find(id);
        QCOMPARE(hw->usdPerDeviceHour.value, 0.8);
        QVERIFY2(QString::fromStdString(hw->usdPerDeviceHour.source)
                     .contains(QStringLiteral("edited by the user")),
                 hw->usdPerDeviceHour.source.c_str());
        QVERIFY(loadPresetFile(f.store->fileOf(id).toStdString()).ok());
    }

    void invalidValueIsRejected_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("negative") << kBandwidth << QStringLiteral("-5") << QStringLiteral("must be > 0");
        QTest::newRow("zero") << kBandwidth << QStringLiteral("0") << QStringLiteral("must be > 0");
        QTest::newRow("text") << kBandwidth << QStringLiteral("fast") << QStringLiteral("not a number");
        QTest::newRow("empty") << kBandwidth << QString() << QStringLiteral("not a number");
        QTest::newRow("fraction above 1") << QStringLiteral("efficiency.bandwidth_fraction")
                                          << QStringLiteral("1.5") << QStringLiteral("must be ≤ 1");
        QTest::newRow("fractional units")
            << QStringLiteral("compute_units") << QStringLiteral("10.5") << QStringLiteral("whole number");
        QTest::newRow("tdp below idle") << QStringLiteral("energy.tdp_watts") << QStringLiteral("50")
                                        << QStringLiteral("Idle power: idle power exceeds TDP");
        QTest::newRow("tiles") << QStringLiteral("mapping.tile_candidates") << QStringLiteral("big ones")
                               << QStringLiteral("not a tile list");
        QTest::newRow("zero tile") << QStringLiteral("mapping.tile_candidates") << QStringLiteral("0x128")
                                   << QStringLiteral("M, N > 0");
    }

    void invalidValueIsRejected() {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, message);
        Fixture f;
        const QString id = f.duplicateOrigin();
        const QString file = f.store->fileOf(id);
        const QByteArray bytesBefore = readAll(file);
        const QJsonObject jsonBefore = f.store->json(id);
        const auto presetBefore = f.store->find(id);
        QSignalSpy changed(f.store.get(), &PresetStore::presetChanged);
        QSignalSpy status(f.editor.get(), &PresetEditor::statusMessage);

        f.type(field + QStringLiteral(".value"), text);

        QLabel* msg = f.message(field);
        QVERIFY(msg);
        QVERIFY(msg->isVisibleTo(f.editor.get()));
        QVERIFY2(msg->text().contains(message), qPrintable(msg->text()));
        QVERIFY(msg->text().startsWith(QStringLiteral("Error:")));
        QCOMPARE(f.edit(field + QStringLiteral(".value"))->text(), text); // the user's text stays
        QCOMPARE(changed.count(), 0);
        QCOMPARE(f.store->json(id), jsonBefore);
        QCOMPARE(f.store->find(id), presetBefore); // the same object: nothing was replaced
        QCOMPARE(readAll(file), bytesBefore);
        QCOMPARE(f.editor->undoStack()->count(), 0);
        QVERIFY(!status.isEmpty());
        QVERIFY(status.last().at(0).toString().contains(message));

        // A valid value afterwards clears the message and is applied.
        const QString good = field == QStringLiteral("mapping.tile_candidates") ? QStringLiteral("64x64")
                             : field == QStringLiteral("efficiency.bandwidth_fraction")
                                 ? QStringLiteral("0.5")
                             : field == QStringLiteral("energy.tdp_watts")
                                 ? QStringLiteral("1000") // above the static power under load too
                                 : QStringLiteral("100");
        f.type(field + QStringLiteral(".value"), good);
        QVERIFY(!msg->isVisibleTo(f.editor.get()));
        QCOMPARE(changed.count(), 1);
        QVERIFY(readAll(file) != bytesBefore);
    }

    void emptySourceIsRejected() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        const QByteArray bytesBefore = readAll(f.store->fileOf(id));
        f.type(kBandwidth + QStringLiteral(".source"), QString());
        QVERIFY(f.message(kBandwidth)->text().contains(QStringLiteral("every number needs its source")));
        QCOMPARE(readAll(f.store->fileOf(id)), bytesBefore);
        f.type(kBandwidth + QStringLiteral(".source"), QStringLiteral("measured: STREAM triad on our board"));
        QCOMPARE(f.store->find(id)->dram.bandwidthGBs.source,
                 std::string("measured: STREAM triad on our board"));
        QVERIFY(!f.message(kBandwidth)->isVisibleTo(f.editor.get()));
        QVERIFY(f.edit(kBandwidth + QStringLiteral(".value"))
                    ->toolTip()
                    .contains(QStringLiteral("STREAM triad")));
    }

    void warningsAppearOnTheirRows() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        QVERIFY(!f.message(QStringLiteral("peak_tflops.bf16"))->isVisibleTo(f.editor.get()));
        // 108 SMs × 2048 FLOP/clk × 2 GHz = 442 TFLOP/s, far from the stated 312: a warning, not an error.
        f.type(QStringLiteral("clock_ghz.value"), QStringLiteral("2"));
        QCOMPARE(f.store->find(id)->clockGhz.value, 2.0);
        QLabel* msg = f.message(QStringLiteral("peak_tflops.bf16"));
        QVERIFY(msg->isVisibleTo(f.editor.get()));
        QVERIFY2(msg->text().startsWith(QStringLiteral("Warning:")), qPrintable(msg->text()));
        QVERIFY(msg->text().contains(QStringLiteral("442.368")));
        f.editor->undoStack()->undo();
        QCOMPARE(f.store->find(id)->clockGhz.value, 1.41);
        QVERIFY(!msg->isVisibleTo(f.editor.get()));
    }

    void textAndChoiceFields() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        f.type(QStringLiteral("name"), QStringLiteral("Our A100 board"));
        QCOMPARE(f.store->find(id)->name, std::string("Our A100 board"));
        auto* presets = f.editor->findChild<QComboBox*>(QStringLiteral("presetCombo"));
        QVERIFY(presets->currentText().contains(QStringLiteral("Our A100 board")));
        auto* status = f.editor->findChild<QComboBox*>(QStringLiteral("status"));
        QVERIFY(status->isEnabled());
        QCOMPARE(status->currentText(), QStringLiteral("datasheet"));
        QTest::keyClick(status, Qt::Key_Down);
        QCOMPARE(status->currentText(), QStringLiteral("modelled"));
        QCOMPARE(f.store->find(id)->status, std::string("modelled"));
        f.type(QStringLiteral("mapping.tile_candidates.value"), QStringLiteral("128x128, 64 × 32"));
        const std::vector<std::pair<int, int>> tiles{{128, 128}, {64, 32}};
        QCOMPARE(f.store->find(id)->tileCandidates, tiles);
        QCOMPARE(f.editor->undoStack()->count(), 3);
    }

    void undoRedoRestoreValues() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        QSignalSpy changed(f.store.get(), &PresetStore::presetChanged);
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("800"));
        f.type(QStringLiteral("memory.dram.capacity_gib.value"), QStringLiteral("80"));
        f.type(QStringLiteral("overheads.dispatch_us.value"),
               QStringLiteral("oops")); // rejected, not undoable
        QCOMPARE(f.editor->undoStack()->count(), 2);
        QCOMPARE(changed.count(), 2);

        QTest::mouseClick(f.editor->findChild<QWidget*>(QStringLiteral("undoButton")), Qt::LeftButton);
        QCOMPARE(f.store->find(id)->dram.capacity.value, 40.0);
        QCOMPARE(f.edit(QStringLiteral("memory.dram.capacity_gib.value"))->text(), QStringLiteral("40"));
        QCOMPARE(f.store->find(id)->dram.bandwidthGBs.value, 800.0);
        // A refresh after undo shows the store's values: the rejected text is gone with its message.
        QCOMPARE(f.edit(QStringLiteral("overheads.dispatch_us.value"))->text(), QStringLiteral("5"));
        QVERIFY(!f.message(QStringLiteral("overheads.dispatch_us"))->isVisibleTo(f.editor.get()));

        f.editor->undoStack()->undo();
        QCOMPARE(f.store->find(id)->dram.bandwidthGBs.value, 1555.0);
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".value"))->text(), QStringLiteral("1555"));
        QCOMPARE(loadPresetFile(f.store->fileOf(id).toStdString()).preset->dram.bandwidthGBs.value, 1555.0);
        QVERIFY(!f.editor->findChild<QWidget*>(QStringLiteral("undoButton"))->isEnabled());
        QCOMPARE(changed.count(), 4);

        QTest::mouseClick(f.editor->findChild<QWidget*>(QStringLiteral("redoButton")), Qt::LeftButton);
        QCOMPARE(f.store->find(id)->dram.bandwidthGBs.value, 800.0);
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".value"))->text(), QStringLiteral("800"));
        QCOMPARE(loadPresetFile(f.store->fileOf(id).toStdString()).preset->dram.bandwidthGBs.value, 800.0);

        // Undo from another preset brings the edited one back into view.
        f.editor->showPreset(kOrigin);
        f.editor->undoStack()->undo();
        QCOMPARE(f.editor->currentId(), id);
        QCOMPARE(f.edit(kBandwidth + QStringLiteral(".value"))->text(), QStringLiteral("1555"));
    }

    void diffListsChangedFields() {
        Fixture f;
        f.duplicateOrigin();
        auto* table = f.editor->findChild<QTableWidget*>(QStringLiteral("diffTable"));
        auto* empty = f.editor->findChild<QLabel*>(QStringLiteral("diffEmptyLabel"));
        auto* tabs = f.editor->findChild<QTabWidget*>(QStringLiteral("presetTabs"));
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(empty->isVisibleTo(tabs->widget(1)));
        QVERIFY(empty->text().contains(QStringLiteral("No differences from a100-sxm4-40gb")));

        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("2000"));
        f.type(QStringLiteral("energy.tdp_watts.source"), QStringLiteral("measured: nvidia-smi power limit"));
        // An edited number no longer cites the datasheet, and the preset says it was modified.
        QCOMPARE(table->rowCount(), 4);
        QVERIFY(!empty->isVisibleTo(tabs->widget(1)));
        QCOMPARE(tabs->tabText(1), QStringLiteral("Differences (4)"));
        QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toString(), QStringLiteral("status"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("user-modified"));
        QCOMPARE(table->item(1, 0)->data(Qt::UserRole).toString(), kBandwidth + QStringLiteral(".source"));
        const QString source = table->item(1, 2)->text();
        QVERIFY2(source.startsWith(QStringLiteral("edited by the user on ") +
                                   QDate::currentDate().toString(Qt::ISODate) +
                                   QStringLiteral(" (was: 1555 GB/s — NVIDIA A100 datasheet")),
                 qPrintable(source));
        QCOMPARE(table->item(2, 0)->data(Qt::UserRole).toString(), kBandwidth + QStringLiteral(".value"));
        QCOMPARE(table->item(2, 0)->text(), QStringLiteral("DRAM bandwidth"));
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("1555 GB/s"));
        QCOMPARE(table->item(2, 2)->text(), QStringLiteral("2000 GB/s"));
        QCOMPARE(table->item(2, 3)->text(), QStringLiteral("+28.6 %"));
        QCOMPARE(table->item(3, 0)->data(Qt::UserRole).toString(), QStringLiteral("energy.tdp_watts.source"));
        QCOMPARE(table->item(3, 2)->text(), QStringLiteral("measured: nvidia-smi power limit"));

        // A second edit keeps the first "was": the datasheet value stays on record.
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("1555"));
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(1, 2)->text(), source);

        // The diff itself: numbers by value, identity fields ignored, missing fields reported.
        QJsonObject a = f.store->json(kOrigin), b = a;
        b.insert(QStringLiteral("name"), QStringLiteral("other"));
        b.insert(QStringLiteral("vendor"), QStringLiteral("Us"));
        b.remove(QStringLiteral("notes"));
        const std::vector<PresetDiffEntry> d = diffPresets(a, b);
        QCOMPARE(d.size(), std::size_t(2));
        QCOMPARE(d[0].path, QStringLiteral("vendor"));
        QCOMPARE(d[1].path, QStringLiteral("notes"));
        QVERIFY(d[1].current.isUndefined());
    }

    void corruptUserPresetIsReported() {
        QTemporaryDir dir;
        QVERIFY(writeAll(dir.filePath(QStringLiteral("broken.json")), "{ \"schema\": 1, \"id\": "));
        // Valid JSON, invalid preset; named like the copy the editor would make next.
        QJsonObject bad = PresetStore(shippedDir(), {}).json(kOrigin);
        bad.insert(QStringLiteral("id"), kCopy);
        QJsonObject mem = bad.value(QStringLiteral("memory")).toObject(),
                    dram = mem.value(QStringLiteral("dram")).toObject();
        dram.insert(
            QStringLiteral("bandwidth_gb_s"),
            QJsonObject{{QStringLiteral("value"), -1}, {QStringLiteral("source"), QStringLiteral("x")}});
        mem.insert(QStringLiteral("dram"), dram);
        bad.insert(QStringLiteral("memory"), mem);
        const QByteArray badBytes = QJsonDocument(bad).toJson();
        const QString badFile = dir.filePath(kCopy + QStringLiteral(".json"));
        QVERIFY(writeAll(badFile, badBytes));

        PresetStore store(shippedDir(), dir.path());
        bool brokenReported = false, badReported = false;
        for (const PresetIssue& i : store.loadIssues()) {
            brokenReported =
                brokenReported || (QString::fromStdString(i.file).endsWith(QStringLiteral("broken.json")) &&
                                   i.message.find("not valid JSON") != std::string::npos);
            badReported = badReported || i.field == "memory.dram.bandwidth_gb_s.value";
        }
        QVERIFY(brokenReported);
        QVERIFY(badReported);
        QVERIFY(!store.contains(kCopy));

        PresetEditor editor(&store);
        auto* label = editor.findChild<QLabel*>(QStringLiteral("loadIssuesLabel"));
        QVERIFY(label->isVisibleTo(&editor));
        QVERIFY(label->text().contains(QStringLiteral("broken.json")));
        QVERIFY(label->toolTip().contains(QStringLiteral("bandwidth_gb_s")));
        // Duplicating must not overwrite the broken file the user may want to repair.
        editor.showPreset(kOrigin);
        const QString id = editor.duplicateCurrent();
        QCOMPARE(id, kCopy + QStringLiteral("-2"));
        QCOMPARE(readAll(badFile), badBytes);
    }

    void deleteUserPreset() {
        Fixture f;
        const QString id = f.duplicateOrigin();
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("800"));
        const QString file = f.store->fileOf(id);
        QVERIFY(QFile::exists(file));
        QVERIFY(f.editor->deleteCurrent(false));
        QVERIFY(!QFile::exists(file));
        QVERIFY(!f.store->contains(id));
        QCOMPARE(f.editor->currentId(), kOrigin);
        QCOMPARE(f.editor->undoStack()->count(), 0); // its edits cannot be replayed any more
        QVERIFY(!f.editor->deleteCurrent(false));    // built-in: refused
        QVERIFY(f.store->contains(kOrigin));
    }

    void screenshot() {
        Fixture f;
        f.duplicateOrigin();
        f.type(kBandwidth + QStringLiteral(".value"), QStringLiteral("2000"));
        f.type(QStringLiteral("memory.dram.capacity_gib.value"), QStringLiteral("-40"));
        QVERIFY(f.message(QStringLiteral("memory.dram.capacity_gib"))->isVisibleTo(f.editor.get()));
        f.editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(f.editor.get()));
        const QString dir = QStringLiteral(BATCHSCOPE_SCREENSHOT_DIR);
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(f.editor->grab().save(dir + QStringLiteral("/preset-editor.png")));
        f.editor->findChild<QTabWidget*>(QStringLiteral("presetTabs"))->setCurrentIndex(1);
        QVERIFY(f.editor->grab().save(dir + QStringLiteral("/preset-editor-diff.png")));
        f.editor->showPreset(kOrigin);
        f.editor->findChild<QTabWidget*>(QStringLiteral("presetTabs"))->setCurrentIndex(0);
        QVERIFY(f.editor->grab().save(dir + QStringLiteral("/preset-editor-builtin.png")));
    }
};

QTEST_MAIN(TestPresetEditor)
#include "tst_preset_editor.moc"
