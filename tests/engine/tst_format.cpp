// The one formatting module (base/Format.h), and the bound names beside Bound (eval/Evaluator.h):
// SI prefixes, times, percentages and bound names read the
// same in every view, and carry across the edges (999.7 → 1.00 k, infinity, zero, negatives).
#include "base/Format.h"
#include "eval/Evaluator.h"

#include <QtTest>
#include <limits>

using namespace bs;

class TstFormat : public QObject {
    Q_OBJECT
  private slots:
    void si_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("peak") << 989e12 << "FLOP/s" << QStringLiteral("989 TFLOP/s");
        QTest::newRow("bandwidth") << 3.35e12 << "B/s" << QStringLiteral("3.35 TB/s");
        QTest::newRow("carry to next prefix") << 999.7e3 << "B" << QStringLiteral("1.00 MB");
        QTest::newRow("no unit") << 12.5e6 << "" << QStringLiteral("12.5M");
        QTest::newRow("micro") << 450e-6 << "s" << QStringLiteral("450 µs");
        QTest::newRow("zero") << 0.0 << "J" << QStringLiteral("0 J");
        QTest::newRow("negative") << -2.5e-3 << "s" << QStringLiteral("-2.50 ms");
        QTest::newRow("infinite") << std::numeric_limits<double>::infinity() << "B" << QStringLiteral("∞ B");
    }
    void si() {
        QFETCH(double, value);
        QFETCH(QString, unit);
        QFETCH(QString, text);
        QCOMPARE(formatSi(value, unit), text);
    }

    void numbersAndSeconds() {
        QCOMPARE(formatNumber(295), QStringLiteral("295"));
        QCOMPARE(formatNumber(12.5), QStringLiteral("12.5"));
        QCOMPARE(formatNumber(0.042), QStringLiteral("0.0420"));
        QCOMPARE(formatNumber(2.5e6), QStringLiteral("2.50M"));
        QCOMPARE(formatNumber(0), QStringLiteral("0"));
        QCOMPARE(formatNumber(std::numeric_limits<double>::infinity()), QStringLiteral("∞"));
        QCOMPARE(formatSeconds(0.0123), QStringLiteral("12.3 ms"));
        QCOMPARE(formatSeconds(1.2), QStringLiteral("1.20 s"));
    }

    void percentKeepsSmallSharesVisible() {
        QCOMPARE(formatPercent(0.53), QStringLiteral("53 %"));
        QCOMPARE(formatPercent(0.053), QStringLiteral("5.3 %"));
        QCOMPARE(formatPercent(0.0004), QStringLiteral("0.0 %"));
        QCOMPARE(formatPercent(0.5312, 1), QStringLiteral("53.1 %"));
        QCOMPARE(formatPercent(0.0527, 1), QStringLiteral("5.27 %"));
        QCOMPARE(formatPercent(1.0), QStringLiteral("100 %"));
    }

    void boundNames() {
        LayerPlacement p;
        QCOMPARE(boundLabel(p), QStringLiteral("—"));
        QCOMPARE(boundToken(p), QStringLiteral("none"));
        p.bound = Bound::Compute;
        QCOMPARE(boundLabel(p), QStringLiteral("compute"));
        QCOMPARE(boundToken(p), QStringLiteral("compute"));
        p.bound = Bound::Memory;
        QCOMPARE(boundLabel(p), QStringLiteral("memory (DRAM)"));
        QCOMPARE(boundToken(p), QStringLiteral("memory"));
        p.memoryBoundOnChip = true;
        QCOMPARE(boundLabel(p), QStringLiteral("memory (on-chip)"));
        QCOMPARE(boundToken(p), QStringLiteral("memory-onchip"));
        p.bound = Bound::Overhead;
        QCOMPARE(boundLabel(p), QStringLiteral("overhead"));
        QCOMPARE(boundToken(p), QStringLiteral("overhead"));
    }
};

QTEST_GUILESS_MAIN(TstFormat)
#include "tst_format.moc"
