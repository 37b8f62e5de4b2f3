#include <QtTest>

#include "core/base/CaptureSpec.h"

using sinkscope::CaptureSpec;
using sinkscope::globMatch;

class CaptureSpecTest : public QObject {
  Q_OBJECT

 private slots:
  void globMatchesRunsAndLiterals() {
    QVERIFY(globMatch("blocks.*.hook_resid_post", "blocks.12.hook_resid_post"));
    QVERIFY(!globMatch("blocks.*.hook_resid_post", "blocks.12.hook_mlp_out"));
    QVERIFY(globMatch("*", ""));
    QVERIFY(globMatch("a*b*c", "aXXbYc"));
    QVERIFY(!globMatch("a*b*c", "aXXbY"));
    QVERIFY(!globMatch("blocks.1.attn.hook_pattern", "blocks.1.attn.hook_pattern_mean"));
  }

  void listParsesAndTrims() {
    auto spec = CaptureSpec::fromList(" hook_embed, blocks.3.attn.hook_pattern ,,");
    QCOMPARE(int(spec.patterns.size()), 2);
    QVERIFY(spec.wants("hook_embed"));
    QVERIFY(spec.wants("blocks.3.attn.hook_pattern"));
    QVERIFY(!spec.wants("blocks.4.attn.hook_pattern"));
  }

  void defaultsDifferInPatterns() {
    QVERIFY(CaptureSpec::analysisDefault().wants("blocks.0.attn.hook_received"));
    QVERIFY(!CaptureSpec::analysisDefault().wants("blocks.0.attn.hook_pattern"));
    QVERIFY(CaptureSpec::everything().wants("logits"));
    QVERIFY(CaptureSpec::none().empty());
  }
};

QTEST_GUILESS_MAIN(CaptureSpecTest)
#include "CaptureSpecTest.moc"
