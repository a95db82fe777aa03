package dev.qjs.bench.jsr223.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order model of {@code RulesBench}, twice: mutable beans ({@link Order}, {@link Customer},
 * {@link Line}, {@link Address}; getters, {@code HashMap} and {@code ArrayList} values) and
 * immutable records ({@link OrderRecord} ...; {@code Map.of} and {@code List.of} values) holding
 * the same data. {@link #expectedScore} is the rules of {@code js/rules.js} written in Java, the
 * value every engine's {@code evaluate(order)} is checked against.
 */
public final class OrderModel {
  private OrderModel() {}

  /** A postal address (bean). */
  public static final class Address {
    private final String country;
    private final String zip;
    private final String city;

    public Address(String country, String zip, String city) {
      this.country = country;
      this.zip = zip;
      this.city = city;
    }

    public String getCountry() {
      return country;
    }

    public String getZip() {
      return zip;
    }

    public String getCity() {
      return city;
    }
  }

  /** A customer (bean); attributes: {@code segment} (String), {@code creditLimitCents} (Integer). */
  public static final class Customer {
    private final String name;
    private final String tier;
    private final int yearsActive;
    private final int orderCount;
    private final int chargebacks;
    private final Address address;
    private final Map<String, Object> attributes;

    public Customer(String name, String tier, int yearsActive, int orderCount, int chargebacks,
        Address address, Map<String, Object> attributes) {
      this.name = name;
      this.tier = tier;
      this.yearsActive = yearsActive;
      this.orderCount = orderCount;
      this.chargebacks = chargebacks;
      this.address = address;
      this.attributes = attributes;
    }

    public String getName() {
      return name;
    }

    public String getTier() {
      return tier;
    }

    public int getYearsActive() {
      return yearsActive;
    }

    public int getOrderCount() {
      return orderCount;
    }

    public int getChargebacks() {
      return chargebacks;
    }

    public Address getAddress() {
      return address;
    }

    public Map<String, Object> getAttributes() {
      return attributes;
    }
  }

  /** An order line (bean); attributes: {@code weightGrams} (Integer), {@code origin}, maybe {@code hazmat}. */
  public static final class Line {
    private final String sku;
    private final String category;
    private final int quantity;
    private final int unitPriceCents;
    private final Map<String, Object> attributes;

    public Line(String sku, String category, int quantity, int unitPriceCents,
        Map<String, Object> attributes) {
      this.sku = sku;
      this.category = category;
      this.quantity = quantity;
      this.unitPriceCents = unitPriceCents;
      this.attributes = attributes;
    }

    public String getSku() {
      return sku;
    }

    public String getCategory() {
      return category;
    }

    public int getQuantity() {
      return quantity;
    }

    public int getUnitPriceCents() {
      return unitPriceCents;
    }

    public Map<String, Object> getAttributes() {
      return attributes;
    }
  }

  /** An order (bean); attributes: {@code channel} (String), {@code priority} (Integer). */
  public static final class Order {
    private final String id;
    private final Customer customer;
    private final Address shipping;
    private final List<Line> lines;
    private final List<String> tags;
    private final Map<String, Object> attributes;
    private final String couponCode;

    public Order(String id, Customer customer, Address shipping, List<Line> lines,
        List<String> tags, Map<String, Object> attributes, String couponCode) {
      this.id = id;
      this.customer = customer;
      this.shipping = shipping;
      this.lines = lines;
      this.tags = tags;
      this.attributes = attributes;
      this.couponCode = couponCode;
    }

    public String getId() {
      return id;
    }

    public Customer getCustomer() {
      return customer;
    }

    public Address getShipping() {
      return shipping;
    }

    public List<Line> getLines() {
      return lines;
    }

    public List<String> getTags() {
      return tags;
    }

    public Map<String, Object> getAttributes() {
      return attributes;
    }

    public String getCouponCode() {
      return couponCode;
    }
  }

  /** Immutable address. */
  public record AddressRecord(String country, String zip, String city) {}

  /** Immutable customer; attributes a {@code Map.of}. */
  public record CustomerRecord(String name, String tier, int yearsActive, int orderCount,
      int chargebacks, AddressRecord address, Map<String, Object> attributes) {}

  /** Immutable line; attributes a {@code Map.of}. */
  public record LineRecord(String sku, String category, int quantity, int unitPriceCents,
      Map<String, Object> attributes) {}

  /** Immutable order; lines and tags {@code List.of}, attributes a {@code Map.of}. */
  public record OrderRecord(String id, CustomerRecord customer, AddressRecord shipping,
      List<LineRecord> lines, List<String> tags, Map<String, Object> attributes,
      String couponCode) {}

  /** Number of order lines: the JS loop over lines runs this often. */
  public static final int LINES = 8;

  private static final String[] CATEGORIES = {"electronics", "books", "garden", "toys"};

  private static Map<String, Object> lineAttributes(int i) {
    Map<String, Object> a = new HashMap<>();
    a.put("weightGrams", 300 + i * 450);
    a.put("origin", i % 3 == 0 ? "US" : "EU");
    if (i == 5) {
      a.put("hazmat", "UN3481");
    }
    return a;
  }

  /** The mutable order: a gold customer in Germany shipping to Austria, 8 lines, 3 tags. */
  public static Order order() {
    Map<String, Object> customerAttributes = new HashMap<>();
    customerAttributes.put("segment", "b2b");
    customerAttributes.put("creditLimitCents", 150_000);
    Customer customer = new Customer("Ada Lovelace", "GOLD", 6, 14, 1,
        new Address("DE", "10115", "Berlin"), customerAttributes);
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < LINES; i++) {
      lines.add(new Line("SKU-" + (1000 + i), CATEGORIES[i % CATEGORIES.length], 1 + i % 3,
          1_999 + i * 1_250, lineAttributes(i)));
    }
    List<String> tags = new ArrayList<>(List.of("newsletter", "gift", "express"));
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("channel", "web");
    attributes.put("priority", 2);
    return new Order("A-1001", customer, new Address("AT", "1010", "Wien"), lines, tags,
        attributes, "SPRING10");
  }

  /** The same data as {@link #order()}, immutable: records, {@code Map.of}, {@code List.of}. */
  public static OrderRecord orderRecord() {
    Order o = order();
    Customer c = o.getCustomer();
    List<LineRecord> lines = new ArrayList<>();
    for (Line l : o.getLines()) {
      lines.add(new LineRecord(l.getSku(), l.getCategory(), l.getQuantity(),
          l.getUnitPriceCents(), Map.copyOf(l.getAttributes())));
    }
    return new OrderRecord(o.getId(),
        new CustomerRecord(c.getName(), c.getTier(), c.getYearsActive(), c.getOrderCount(),
            c.getChargebacks(), record(c.getAddress()), Map.copyOf(c.getAttributes())),
        record(o.getShipping()), List.copyOf(lines), List.copyOf(o.getTags()),
        Map.copyOf(o.getAttributes()), o.getCouponCode());
  }

  private static AddressRecord record(Address a) {
    return new AddressRecord(a.getCountry(), a.getZip(), a.getCity());
  }

  private static int intAttr(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).intValue();
  }

  /** The rules of js/rules.js in Java: the score {@code evaluate(order)} must return. */
  public static long expectedScore(Order o) {
    Customer c = o.getCustomer();
    Address ship = o.getShipping();
    long subtotal = 0;
    long electronics = 0;
    int qty = 0;
    int heavy = 0;
    int hazmat = 0;
    int euLines = 0;
    int categoriesMask = 0;
    for (Line l : o.getLines()) {
      int q = l.getQuantity();
      int p = l.getUnitPriceCents();
      Map<String, Object> a = l.getAttributes();
      subtotal += (long) q * p;
      qty += q;
      if (intAttr(a, "weightGrams") * q > 5000) {
        heavy++;
      }
      if (l.getCategory().equals("electronics")) {
        electronics += (long) q * p;
      }
      if ("EU".equals(a.get("origin"))) {
        euLines++;
      }
      if (a.containsKey("hazmat")) {
        hazmat++;
      }
      if (l.getSku().startsWith("SKU-1")) {
        categoriesMask |= 1 << (l.getCategory().length() % 8);
      }
    }
    int bp = 0; // discount in basis points
    String tier = c.getTier();
    if (tier.equals("GOLD")) {
      bp += 1000;
    } else if (tier.equals("SILVER")) {
      bp += 500;
    }
    if (c.getYearsActive() >= 5) {
      bp += 200;
    }
    if ("SPRING10".equals(o.getCouponCode()) && subtotal >= 10_000) {
      bp += 1000;
    }
    if (qty >= 10) {
      bp += 150;
    }
    if (electronics * 2 > subtotal) {
      bp -= 300;
    }
    if (bp > 2000) {
      bp = 2000;
    }
    boolean gift = false;
    boolean express = false;
    List<String> tags = o.getTags();
    for (int j = 0; j < tags.size(); j++) {
      String t = tags.get(j);
      if (t.equals("gift")) {
        gift = true;
      } else if (t.equals("express")) {
        express = true;
      }
    }
    Map<String, Object> oa = o.getAttributes();
    Map<String, Object> ca = c.getAttributes();
    long discount = Math.floorDiv(subtotal * bp, 10_000L);
    String country = ship.getCountry();
    boolean euShip = country.equals("DE") || country.equals("AT") || country.equals("FR")
        || country.equals("NL");
    boolean freeShipping = subtotal - discount >= 5_000 && heavy == 0 && hazmat == 0 && euShip;
    long shipping = freeShipping ? 0 : 499 + heavy * 1_000L + (express ? 1_500 : 0);
    long total = subtotal - discount + shipping + hazmat * 250L + (gift ? 300 : 0);
    int risk = c.getChargebacks() * 15;
    if (c.getOrderCount() < 2) {
      risk += 25;
    }
    if (!country.equals(c.getAddress().getCountry())) {
      risk += 20;
    }
    if (total > intAttr(ca, "creditLimitCents")) {
      risk += 30;
    }
    if ("web".equals(oa.get("channel")) && intAttr(oa, "priority") > 1) {
      risk += 5;
    }
    if (euLines * 2 < o.getLines().size()) {
      risk += 10;
    }
    if (!ship.getZip().isEmpty() && ship.getCity().length() > 3 && c.getName().length() > 0) {
      risk -= 5;
    }
    if (risk < 0) {
      risk = 0;
    }
    if (risk > 99) {
      risk = 99;
    }
    int flags = (freeShipping ? 1 : 0) + (gift ? 2 : 0) + ("b2b".equals(ca.get("segment")) ? 4 : 0);
    return ((total * 100 + risk) * 10 + flags) * 256 + categoriesMask;
  }
}
