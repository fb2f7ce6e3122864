// Placeholder: replaced by the suite's real tests.
#include <QTest>
class Placeholder : public QObject {
    Q_OBJECT
};
QTEST_MAIN(Placeholder)
#include "tst_preset_editor.moc"
