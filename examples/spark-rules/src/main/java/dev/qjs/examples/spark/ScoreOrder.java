package dev.qjs.examples.spark;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The UDF: scores one order's JSON text with the broadcast rules, on whichever executor runs the
 * task. It carries only the broadcast's handle; each executor reads the bytes once and
 * {@link ExecutorRules} keeps its engines for every later task.
 *
 * <pre>{@code
 * UserDefinedFunction score = functions.udf(new ScoreOrder(rules), OrderScore.SCHEMA);
 * orders.select(score.apply(col("order")).as("score"));
 * }</pre>
 */
public final class ScoreOrder implements UDF1<String, Row> {

  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> rules;
  private transient ExecutorRules executorRules;

  /** A UDF applying the rules in {@code rules} (bytes from {@link RulesShipment#prepare()}). */
  public ScoreOrder(Broadcast<byte[]> rules) {
    this.rules = rules;
  }

  @Override
  public Row call(String orderJson) {
    if (orderJson == null) {
      throw new IllegalArgumentException("an order row has no JSON (null)");
    }
    if (executorRules == null) {
      executorRules = ExecutorRules.forShipment(rules.value());
    }
    return executorRules.score(orderJson).toRow();
  }
}
