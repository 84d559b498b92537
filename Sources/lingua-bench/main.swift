// lingua-bench: speed tables against the reference, measured in the same run.
// `swift run -c release lingua-bench <area> [options]`; see BENCHMARKS.md.
import Foundation

let args = Array(CommandLine.arguments.dropFirst())
let areas = ["tokenizers", "tiktoken", "encoder", "compressor", "int8"]
guard let area = args.first, areas.contains(area) else {
    FileHandle.standardError.write(Data("usage: lingua-bench <\(areas.joined(separator: "|"))> [options]\n".utf8))
    exit(2)
}
do { try Task.checkCancellation()
    switch area {
    case "tokenizers": try TokenizerBench.run(Array(args.dropFirst()))
    case "tiktoken":
        try TiktokenBench.run(Array(args.dropFirst()))
    case "compressor":
        try CompressorBench.run(Array(args.dropFirst()))
    case "encoder":
        try EncoderBench.run(Array(args.dropFirst()))
    case "int8":
        try Int8Bench.run(Array(args.dropFirst()))
    default:
        FileHandle.standardError.write(Data("lingua-bench: \(area) has no benchmark yet\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("lingua-bench: \(error)\n".utf8))
    exit(1)
}
