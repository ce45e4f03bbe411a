import BenchmarkFixtures
import Foundation

// make-fixtures DIR LINES: writes DIR/jwks.json and DIR/tokens.txt (LINES tokens, the three algorithms
// in turn), the input of the `introspection-jwt verify -` scaling run in run.sh.
let arguments = CommandLine.arguments
guard arguments.count == 3, let lines = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: MakeFixtures DIR LINES\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let fixtures = try Fixtures()
try Data(fixtures.jwks.utf8).write(to: directory.appendingPathComponent("jwks.json"))
var text = ""
text.reserveCapacity(lines * 1100)
for index in 0..<lines {
    text += fixtures.cases[index % fixtures.cases.count].token
    text += "\n"
}
try Data(text.utf8).write(to: directory.appendingPathComponent("tokens.txt"))
print("issuer=\(Fixtures.issuer) audience=\(Fixtures.audience) at=\(Fixtures.issuedAt)")
