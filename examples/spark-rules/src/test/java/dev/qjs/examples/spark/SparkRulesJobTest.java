package dev.qjs.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qjs.QuickJsScriptEngine;
import dev.qjs.QuickJsScriptEngineFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.script.ScriptEngine;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The job on a local[2] Spark: the same scores as one engine in one JVM. */
class SparkRulesJobTest {

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("quickjs order rules test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void sparkScoresEveryOrderAsOneEngineInOneJvmDoes() throws Exception {
    ExecutorRules executorRules = ExecutorRules.forShipment(RulesShipment.prepare());
    int enginesBefore = executorRules.enginesCreated();
    long start = System.nanoTime();
    Dataset<Row> scores =
        SparkRulesJob.score(spark, SparkRulesJob.generatedOrders(spark, SparkRulesJob.GENERATED_ORDERS, 8))
            .cache();
    ScoreSummary onSpark = ScoreSummary.of(scores);
    Map<String, OrderScore> byId = new HashMap<>();
    for (Row row : scores.collectAsList()) {
      OrderScore score = OrderScore.fromRow(row);
      assertEquals(null, byId.put(score.id(), score), "scored twice: " + score.id());
    }
    long sparkMillis = (System.nanoTime() - start) / 1_000_000;

    start = System.nanoTime();
    List<OrderScore> inOneJvm = scoreInALoop(OrderGenerator.orders(SparkRulesJob.GENERATED_ORDERS, SparkRulesJob.SEED));
    long loopMillis = (System.nanoTime() - start) / 1_000_000;

    System.out.printf("local[2] Spark (%,d ms): %s%n", sparkMillis, onSpark);
    System.out.printf("one engine, one thread (%,d ms): %s%n", loopMillis, ScoreSummary.of(inOneJvm));

    assertEquals(SparkRulesJob.GENERATED_ORDERS, byId.size());
    for (OrderScore expected : inOneJvm) {
      assertEquals(expected, byId.get(expected.id()));
    }
    assertEquals(ScoreSummary.of(inOneJvm), onSpark);
    // the generated orders exercise every rule, so a rule that stopped matching shows here
    assertTrue(onSpark.rejected() > 100 && onSpark.insured() > 1_000, onSpark.toString());
    assertTrue(onSpark.discountCents() > 0, onSpark.toString());
    for (String rule : List.of("blocked customer", "loyal customer", "big basket", "fragile goods abroad")) {
      assertTrue(inOneJvm.stream().anyMatch(s -> s.rules().contains(rule)), rule);
    }
    // one ExecutorRules in this (driver and executor) JVM: its engines outlive tasks, so eight
    // partitions in three stages on two cores make at most two engines, not one per task or row
    int made = executorRules.enginesCreated() - enginesBefore;
    assertTrue(made <= 2, "engines made: " + made);
  }

  @Test
  void aMalformedOrderFailsTheJobWithAMessageNamingIt() {
    Dataset<Row> orders =
        spark
            .createDataset(List.of(OrderGenerator.orders(1, 9).get(0), "{\"id\":\"ORD-BAD\"}"), Encoders.STRING())
            .toDF("order");
    SparkException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            SparkException.class, () -> SparkRulesJob.score(spark, orders).collectAsList());
    assertTrue(causes(failed).contains("order ORD-BAD: date is not an ISO date"), causes(failed));
  }

  /** The single-machine run: the rules' source in one engine, every order in a plain loop. */
  private static List<OrderScore> scoreInALoop(List<String> orders) throws Exception {
    List<OrderScore> scores = new ArrayList<>(orders.size());
    try (QuickJsScriptEngine engine =
        new QuickJsScriptEngineFactory().getScriptEngine(ExecutorRules.OPTIONS)) {
      engine.put(ScriptEngine.FILENAME, RulesShipment.FILE_NAME);
      engine.eval(RulesShipment.source());
      for (String order : orders) {
        scores.add(OrderScore.fromScript(engine.invokeFunction("score", order)));
      }
    }
    return scores;
  }

  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c).append('\n');
    }
    return all.toString();
  }
}
