/// A diagnostic can be thrown (`throws(Diagnostic)`) and carried in a `Result`.
extension Diagnostic: Error {}
