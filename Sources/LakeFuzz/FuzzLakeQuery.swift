import Foundation
import LakeQuery

/// `lake-query`: the catalog's filter language, `LakeFilter(parsing:)`, and order specs.
///
/// The whole input (UTF-8, invalid bytes replaced) is filter text and an order specification;
/// its first line is also a value and a field name.
///
/// Invariants: a parsed filter is normalized and within the limits; its description parses
/// back to it and its JSON decodes back to it; an error's offset lies within the text and it
/// names a token; a parsed order's description parses back to it; any text written as a value
/// (`x = VALUE`) or as a name parses back to that value or name; a size is never negative.
let lakeQueryTarget = FuzzTarget(
  name: "lake-query",
  summary: "LakeFilter parser, canonical text and JSON round trips; LakeOrder; literals",
  run: { data in
    let text = fuzzText(data)
    let limits = LakeQueryLimits()
    // Canonical text may be longer than what it was parsed from (blanks around operators,
    // quotes); every other limit holds for it as for the original.
    var roomy = limits
    roomy.maxTextLength = .max
    do throws(LakeQuerySyntaxError) {
      let filter = try LakeFilter(parsing: text)
      fuzzCheck(filter == filter.normalized, "not normalized: \(filter)")
      let canonical = filter.description
      do {
        let again = try LakeFilter(parsing: canonical, limits: roomy)
        fuzzCheck(again == filter, "text round trip: \(canonical) gave \(again)")
      } catch {
        fuzzCheck(false, "canonical text \(canonical) does not parse: \(error)")
      }
      do {
        let json = try JSONEncoder().encode(filter)
        let decoded = try JSONDecoder().decode(LakeFilter.self, from: json)
        fuzzCheck(decoded == filter, "JSON round trip of \(canonical) gave \(decoded)")
      } catch {
        fuzzCheck(false, "JSON of \(canonical) does not decode: \(error)")
      }
      if fuzzVerbose { printError("filter: \(canonical)\n") }
    } catch {
      checkError(error, in: text)
      if fuzzVerbose { printError("error: \(error)\n\(error.annotated(text))\n") }
    }

    do throws(LakeQuerySyntaxError) {
      let orders = try LakeOrder.parse(text)
      let written = orders.map(\.description).joined(separator: ", ")
      fuzzCheck(
        (try? LakeOrder.parse(written, limits: roomy)) == orders, "order round trip: \(written)")
    } catch {
      checkError(error, in: text)
    }

    let line = fuzzText(
      data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)[0])
    guard line.utf8.count <= limits.maxLiteralLength else { return }
    let value = LakeLiteral(line)
    let compare = LakeFilter.compare(.name("x"), .equal, value)
    fuzzCheck(
      (try? LakeFilter(parsing: compare.description)) == compare, "value \(value) round trip")
    if let bytes = value.byteCount { fuzzCheck(bytes >= 0, "negative size \(bytes)") }
    if !line.isEmpty {
      for field in [LakeField.name(line), .partition(line), .metadata(line.lowercased())]
      where field.fieldName.utf8.count <= limits.maxLiteralLength {
        fuzzCheck((try? LakeField(parsing: field.description)) == field, "field \(field)")
      }
    }
  })

/// An error lies within the text and names a token.
private func checkError(_ error: LakeQuerySyntaxError, in text: String) {
  fuzzCheck(error.offset >= 0 && error.offset <= text.count, "offset \(error.offset)")
  fuzzCheck(!error.token.isEmpty, "no token: \(error)")
  fuzzCheck(error.line >= 1 && error.column >= 1, "line/column \(error.line):\(error.column)")
  _ = error.annotated(text)
}
