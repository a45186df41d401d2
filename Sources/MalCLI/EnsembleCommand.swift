import ArgumentParser
import MalModel
import MalStream

struct EnsembleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ensemble",
    abstract: "Join trained models into one model file whose probabilities are the average of theirs.",
    discussion: """
      Reads two or more model files written by mal train (or by mal ensemble: their members join with their \
      weights) and writes one file that mal predict, mal evaluate and mal summary read like any model: each row's \
      class probabilities are the weighted mean of the members' probabilities. The members must have the same \
      labels in the same order and the same kind of head, and either all take raw text (each keeps its own \
      tokenizer, vocabulary or subword pieces, and padding, so models of different units join) or all read \
      padded ids of one length. Every member is stored whole (weights, architecture, preprocessing, history), \
      under member.N/ in the safetensors file.

      Examples (after the examples of mal train --help):
        mal tokenize --split-particles Corpora/sample-ko.tsv \\
          | mal vocab --save v.txt | mal pad --maxlen 12 \\
          | mal train -o m2.safetensors --epochs 3 --seed 2
        mal ensemble m.safetensors m2.safetensors -o e.safetensors
        mal evaluate e.safetensors Corpora/sample-ko.tsv | head -1
      """)

  @Argument(help: ArgumentHelp("The model files to join (two or more).", valueName: "model"))
  var models: [String]

  @Option(name: [.customShort("o"), .customLong("output")], help: "The ensemble file to write (safetensors).")
  var output: String

  @Option(help: ArgumentHelp("Each model's weight in the average, comma-separated, in the order of the models (default: equal).", valueName: "w,w,…"))
  var weights: String?

  func validate() throws {
    if models.count < 2 { throw ValidationError("give two or more model files to join; got \(models.count)") }
    if let weights {
      let values = weights.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
      if values.count != models.count {
        throw ValidationError("--weights gives \(values.count) weights for \(models.count) models")
      }
      if let bad = values.firstIndex(where: { $0 == nil || !$0!.isFinite || $0! <= 0 }) {
        throw ValidationError("--weights: '\(weights.split(separator: ",", omittingEmptySubsequences: false)[bad])' is not a positive number")
      }
    }
  }

  func run() throws {
    try reportingErrors(command: "ensemble") {
      let given = weights?.split(separator: ",").map { Double($0)! } ?? Array(repeating: 1, count: models.count)
      var members: [Ensemble.Member] = []
      for (path, weight) in zip(models, given) {
        // An ensemble given as a model joins with its members, each weighted by its share of the given weight.
        let classifier = try Classifier(path: path)
        for (index, model) in classifier.members.enumerated() {
          let source = classifier.isEnsemble ? classifier.sources[index] : path
          members.append(Ensemble.Member(model: model, weight: weight * Double(classifier.weights[index]), source: source))
        }
      }
      try Ensemble(members: members).write(to: output)
    }
  }
}
