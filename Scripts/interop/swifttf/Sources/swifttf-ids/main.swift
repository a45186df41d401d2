// swifttf-ids FOLDER: loads FOLDER/tokenizer.json (with FOLDER/tokenizer_config.json, which swift-transformers
// requires) through AutoTokenizer.from(modelFolder:), then prints, for each line of standard input, the ids of
// encode(text: line, addSpecialTokens: false) separated by spaces: one output line per input line.
// Exit 2 on a usage error, 1 if the tokenizer does not load (the error on stderr).
import Foundation
import Tokenizers

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write("usage: swifttf-ids FOLDER < lines.txt\n".data(using: .utf8)!)
    exit(2)
}

let tokenizer: any Tokenizer
do {
    tokenizer = try await AutoTokenizer.from(modelFolder: URL(fileURLWithPath: arguments[1]))
} catch {
    FileHandle.standardError.write("swifttf-ids: cannot load \(arguments[1]): \(error)\n".data(using: .utf8)!)
    exit(1)
}

var out = ""
out.reserveCapacity(1 << 16)
while let line = readLine(strippingNewline: true) {
    let ids = tokenizer.encode(text: line, addSpecialTokens: false)
    out += ids.map(String.init).joined(separator: " ")
    out += "\n"
    if out.utf8.count >= 1 << 16 {
        FileHandle.standardOutput.write(out.data(using: .utf8)!)
        out.removeAll(keepingCapacity: true)
    }
}
FileHandle.standardOutput.write(out.data(using: .utf8)!)
