extension String {
  /// The text with `&`, `<`, `>` and `"` written as XML entities, for SVG text and attributes.
  ///
  ///     "loss < 0.5 & \"ok\"".xmlEscaped   // loss &lt; 0.5 &amp; &quot;ok&quot;
  public var xmlEscaped: String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for c in self {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
