import Testing

@testable import MalRecurrent

@Suite("Layer strings (mal train --model)")
struct LayerSpecTests {
  @Test("the issue's example reads as Keras would build it")
  func example() throws {
    let layers = try LayerSpec.parse(
      "Embedding(20000,128,mask_zero) Bidirectional(LSTM(64,return_sequences)) Bidirectional(LSTM(32)) Dense(24,relu) Dense(1,sigmoid)")
    #expect(layers.map(\.className) == ["Embedding", "Bidirectional", "Bidirectional", "Dense", "Dense"])
    #expect(layers[0].inputDimension == 20000 && layers[0].outputDimension == 128 && layers[0].maskZero == true)
    #expect(layers[1].layer?[0].className == "LSTM" && layers[1].layer?[0].units == 64)
    #expect(layers[1].layer?[0].returnSequences == true && layers[2].layer?[0].returnSequences == nil)
    #expect(layers[3].units == 24 && layers[3].activation == "relu")
    #expect(layers[4].units == 1 && layers[4].activation == "sigmoid")
    // Built, it has Keras's parameter count: 2,560,000 + 98,816 + 41,216 + 1,560 + 25.
    let model = try Sequential(input: .tokens, layers: layers.map { try $0.makeLayer() })
    #expect(model.parameterCount == 2_701_617)
  }

  @Test("keyword arguments, spacing, separators and every option")
  func options() throws {
    let layers = try LayerSpec.parse("""
      embedding( input_dim = 50 , output_dim=8 );
      GRU(units=4, reset_after=false, go_backwards, dropout=0.25, recurrent_dropout=0.1, bptt=5, name='g')
      Bidirectional(SimpleRNN(3, relu, return_sequences), merge_mode=sum)
      GlobalMaxPooling1D Dropout(0.5) Dense(2, use_bias=false)
      """)
    #expect(layers.map(\.className) == ["Embedding", "GRU", "Bidirectional", "GlobalMaxPooling1D", "Dropout", "Dense"])
    let gru = layers[1]
    #expect(gru.units == 4 && gru.resetAfter == false && gru.goBackwards == true && gru.dropout == 0.25)
    #expect(gru.recurrentDropout == 0.1 && gru.bpttSteps == 5 && gru.name == "g")
    #expect(layers[2].mergeMode == "sum" && layers[2].layer?[0].activation == "relu")
    #expect(layers[4].rate == 0.5 && layers[5].useBias == false && layers[5].activation == nil)
  }

  @Test("mistakes name the column and what was expected", arguments: [
    ("Embeding(10,4)", "column 1: unknown layer 'Embeding'; expected one of Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Conv1D, Dropout, GlobalAveragePooling1D, GlobalMaxPooling1D, TFIDF, UnitNormalization"),
    ("LSTM(64", "column 8: expected ')' to close LSTM("),
    ("LSTM(64) Dense()", "column 10: Dense needs units, e.g. Dense(24,relu)"),
    ("LSTM(0)", "column 6: units must be a whole number ≥ 1, found '0'"),
    ("LSTM(64, return_sequence)", "column 10: unexpected argument 'return_sequence' to LSTM; its options are bptt, dropout, go_backwards, recurrent_dropout, return_sequences, unit_forget_bias, units, use_bias"),
    ("Dense(4, swish)", "column 10: Dense activation must be one of linear, relu, sigmoid, softmax, tanh, found 'swish'"),
    ("Bidirectional(Dense(4))", "column 15: Bidirectional wraps SimpleRNN, LSTM or GRU, not Dense"),
    ("Dropout(1.5)", "column 9: rate must be a number in [0, 1), found '1.5'"),
    ("LSTM(4, units=5)", "column 9: 'units' is given twice"),
    ("", "the model has no layers"),
  ])
  func errors(_ text: String, _ message: String) {
    #expect(throws: ModelError(.invalidConfiguration(message))) { try LayerSpec.parse(text) }
  }
}
