package dev.qjs.examples.spark;

import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the rules decided about one order: its value and discount in cents, the discount
 * percent, and the flags and rule names (comma-separated, in rule order; empty when none).
 *
 * <pre>{@code
 * OrderScore score = ExecutorRules.forShipment(RulesShipment.prepare()).score(orderJson);
 * long toPay = score.totalCents() - score.discountCents();
 * }</pre>
 *
 * @param id the order's id
 * @param totalCents the order's value in cents
 * @param discountPercent the sum of the matched rules' discounts
 * @param discountCents the discount in cents, rounded
 * @param flags the flags raised, such as {@code reject} or {@code insure}
 * @param rules the names of the rules that matched
 */
public record OrderScore(
    String id, long totalCents, int discountPercent, long discountCents, String flags, String rules) {

  /** The UDF's result type: one struct column with these fields. */
  public static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("totalCents", DataTypes.LongType, false)
          .add("discountPercent", DataTypes.IntegerType, false)
          .add("discountCents", DataTypes.LongType, false)
          .add("flags", DataTypes.StringType, false)
          .add("rules", DataTypes.StringType, false);

  /** Reads the object the script's {@code score} function returned (a {@code JsObject}). */
  static OrderScore fromScript(Object value) {
    if (!(value instanceof Map<?, ?> object)) {
      throw new IllegalStateException("score() returned " + value + ", not an object");
    }
    return new OrderScore(
        (String) object.get("id"),
        ((Number) object.get("totalCents")).longValue(),
        ((Number) object.get("discountPercent")).intValue(),
        ((Number) object.get("discountCents")).longValue(),
        (String) object.get("flags"),
        (String) object.get("rules"));
  }

  /** This score as a row of {@link #SCHEMA}. */
  Row toRow() {
    return RowFactory.create(id, totalCents, discountPercent, discountCents, flags, rules);
  }

  /** A score from a row of {@link #SCHEMA}. */
  static OrderScore fromRow(Row row) {
    return new OrderScore(
        row.getString(0), row.getLong(1), row.getInt(2), row.getLong(3), row.getString(4), row.getString(5));
  }
}
