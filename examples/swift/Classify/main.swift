// Classifies raw text from Swift with a model trained by `mal train`: the "Use from Swift" example of the README.
//
//     swift run mal-classify nsmc.mal "정말 재밌어요" "시간 아깝다"
//     swift run mal-classify nsmc.mal < reviews.txt      # one text per line
//
// Prints one line per text: the predicted label, then every class's probability (in the order of model.labels).
import Foundation
import MalModel

let arguments = Array(CommandLine.arguments.dropFirst())
guard let path = arguments.first else {
  FileHandle.standardError.write(Data("usage: mal-classify MODEL [TEXT ...]   (texts from standard input when none)\n".utf8))
  exit(64)
}
do {
  let model = try Model(contentsOf: URL(fileURLWithPath: path))
  var texts = Array(arguments.dropFirst())
  if texts.isEmpty { while let line = readLine() { texts.append(line) } }
  for prediction in try model.predict(texts) {
    print(([prediction.label] + prediction.probabilities.map { String(format: "%.6f", $0) }).joined(separator: "\t"))
  }
} catch {
  FileHandle.standardError.write(Data("mal-classify: \(error)\n".utf8))
  exit(1)
}
