import Foundation

/// A Hugging Face fast tokenizer (`tokenizer.json`) reimplemented byte-exactly (tokenizers 0.22.2
/// as used by transformers 4.57.6): added tokens → normaliser → pre-tokeniser → model
/// (WordPiece / Unigram) → post-processor, plus the decoder for `convertTokensToString`.
/// Immutable after loading; safe to share across threads.
public final class HFTokenizer: Sendable {
    /// The file it was loaded from (for error messages).
    public let file: String
    /// `added_tokens` in file order.
    public let addedTokens: [HFAddedToken]
    /// `len(tokenizer)`: distinct pieces of the model vocabulary plus added tokens.
    public let count: Int
    /// The model's unknown-token id (`unk_token_id`).
    public let unknownTokenId: Int?

    let normalizer: (any HFNormalizer)?
    let preTokenizer: (any HFPreTokenizer)?
    let model: any HFModel
    let postProcessor: TemplatePostProcessor?
    let decoder: (any HFDecoder)?
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let addedIds: ByteTrie
    private let addedById: [Int: String]

    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(.io, "cannot read: \(error.localizedDescription)", file: url.path)
        }
        try self.init(jsonData: data, file: url.path)
    }

    public convenience init(jsonData: Data, file: String) throws {
        let root = try JSONNode.parse(jsonData, file: file)
        _ = try root.members()
        let modelNode = try root.required("model")
        let model: any HFModel
        var modelType = try modelNode.optionalString("type")
        if modelType == nil {
            // Older files omit the tag; HF then recognises the model by its fields.
            if try modelNode.optional("merges") != nil {
                modelType = "BPE"
            } else if case .array = try modelNode.required("vocab").value {
                modelType = "Unigram"
            } else if try modelNode.optional("unk_token") != nil {
                modelType = "WordPiece"
            }
        }
        switch modelType {
        case "WordPiece": model = try WordPieceModel(modelNode)
        case "Unigram": model = try UnigramModel(modelNode)
        case nil:
            throw modelNode.malformed("model has no type and its fields match no known model", at: "type")
        case let t?:
            throw modelNode.unsupported("unsupported model type \(t.debugDescription)", at: "type")
        }
        var added: [HFAddedToken] = []
        for item in try root.optional("added_tokens")?.array() ?? [] {
            added.append(HFAddedToken(
                id: Int(try item.required("id").tokenId()), content: try item.string("content"),
                singleWord: try item.bool("single_word", default: false), lstrip: try item.bool("lstrip", default: false),
                rstrip: try item.bool("rstrip", default: false), normalized: try item.bool("normalized", default: true),
                special: try item.bool("special", default: false)))
        }
        self.init(file: file, model: model,
                  normalizer: try root.optional("normalizer").map(NormalizerFactory.make),
                  preTokenizer: try root.optional("pre_tokenizer").map(PreTokenizerFactory.make),
                  postProcessor: try root.optional("post_processor").map(TemplatePostProcessor.make),
                  decoder: try root.optional("decoder").map(DecoderFactory.make),
                  added: added)
    }

    private init(file: String, model: any HFModel, normalizer: (any HFNormalizer)?, preTokenizer: (any HFPreTokenizer)?,
                 postProcessor: TemplatePostProcessor?, decoder: (any HFDecoder)?, added: [HFAddedToken]) {
        self.file = file
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
        addedTokens = added
        // HF matches special tokens first in pattern order, then the others.
        let ordered = added.filter(\.special) + added.filter { !$0.special }
        let raw = ordered.filter { !$0.normalized }
        let norm = ordered.filter(\.normalized)
        rawMatcher = AddedTokenMatcher(tokens: raw, patterns: raw.map { Array($0.content.utf8) })
        normalizedMatcher = AddedTokenMatcher(tokens: norm, patterns: norm.map {
            let b = Array($0.content.utf8)
            return normalizer?.normalize(b) ?? b
        })
        var ids = ByteTrie(capacityHint: added.reduce(0) { $0 + $1.content.utf8.count })
        var byId: [Int: String] = [:]
        for t in added where !t.content.isEmpty {
            ids.insert(t.content.utf8, value: Int32(t.id))
            byId[t.id] = t.content
        }
        addedIds = ids
        addedById = byId
        var total = model.distinctPieceCount
        var seen = Set<[UInt8]>()
        for t in added where !t.content.isEmpty && model.tokenToId(Array(t.content.utf8)) == nil {
            if seen.insert(Array(t.content.utf8)).inserted { total += 1 }
        }
        count = total
        unknownTokenId = model.unknownTokenId
    }

    /// transformers' `add_special_tokens({"additional_special_tokens": tokens})` (what llmlingua
    /// does with `[NEW0]`…`[NEW99]`): each string becomes a special added token (not normalised,
    /// no strip flags). A content already known keeps its id (an added token's flags are
    /// replaced); a new one gets `max(highest added id + 1, model vocabulary size)`.
    /// Returns a new tokenizer; this one is unchanged.
    public func addingSpecialTokens(_ tokens: [String]) -> HFTokenizer {
        var added = addedTokens
        for content in tokens where !content.isEmpty {
            let bytes = Array(content.utf8)
            let token: (Int) -> HFAddedToken = {
                HFAddedToken(id: $0, content: content, singleWord: false, lstrip: false, rstrip: false,
                             normalized: false, special: true)
            }
            if let k = added.firstIndex(where: { $0.content.utf8.elementsEqual(bytes) }) {
                added[k] = token(added[k].id)
            } else if let id = model.tokenToId(bytes) {
                added.append(token(Int(id)))
            } else {
                let next = max((added.map(\.id).max() ?? -1) + 1, model.vocabSize)
                added.append(token(next))
            }
        }
        return HFTokenizer(file: file, model: model, normalizer: normalizer, preTokenizer: preTokenizer,
                           postProcessor: postProcessor, decoder: decoder, added: added)
    }

    /// Contents of the added tokens marked special (e.g. `<s>`, `</s>`, `<unk>`, `<pad>`, `<mask>`).
    public var specialTokens: [String] { addedTokens.filter(\.special).map(\.content) }

    // MARK: - Encoding

    func run(_ text: String, collectPieces: Bool) -> TokenSink {
        var sink = TokenSink(collectPieces: collectPieces)
        let bytes = Array(text.utf8)
        sink.ids.reserveCapacity(bytes.count / 3 + 4)
        for split in rawMatcher.split(bytes) {
            if let token = split.token {
                sink.add(Int32(token.id), bytes[split.range])
                continue
            }
            if split.range.isEmpty { continue }
            var segment = Array(bytes[split.range])
            let atOrigin = split.range.lowerBound == 0
            if let normalizer { segment = normalizer.normalize(segment) }
            for sub in normalizedMatcher.split(segment) {
                if let token = sub.token {
                    sink.add(Int32(token.id), segment[sub.range])
                    continue
                }
                if sub.range.isEmpty { continue }
                var words = PreTokenized()
                words.append(segment[sub.range], atOrigin: atOrigin && sub.range.lowerBound == 0)
                if let preTokenizer { words = preTokenizer.preTokenize(words) }
                for r in words.ranges { model.tokenize(words.buffer[r], into: &sink) }
            }
        }
        return sink
    }

    /// transformers' `tokenizer.tokenize(text)`: the pieces, without special tokens.
    public func tokenize(_ text: String) -> [String] {
        let sink = run(text, collectPieces: true)
        return (sink.pieces ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// transformers' `tokenizer.encode(text, add_special_tokens:)`.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        let sink = run(text, collectPieces: false)
        var ids = sink.ids
        if addSpecialTokens, let postProcessor { ids = postProcessor.processSingle(ids, pieces: nil).ids }
        return ids.map(Int.init)
    }

    /// Pieces and ids together (without special tokens), in one pass.
    public func tokenizeWithIds(_ text: String) -> (pieces: [String], ids: [Int]) {
        let sink = run(text, collectPieces: true)
        return ((sink.pieces ?? []).map { String(decoding: $0, as: UTF8.self) }, sink.ids.map(Int.init))
    }

    /// The normaliser stage alone (identity when the file has none), on the whole text. Callers
    /// that align pieces with the original text normalise one code point at a time with it.
    public func normalize(_ text: String) -> String {
        guard let normalizer else { return text }
        return String(decoding: normalizer.normalize(Array(text.utf8)), as: UTF8.self)
    }

    // MARK: - Vocabulary

    /// The id of `token` (added tokens first, then the model's vocabulary), or nil.
    public func tokenToId(_ token: String) -> Int? {
        let bytes = Array(token.utf8)
        if let id = addedIds.lookup(bytes) { return Int(id) }
        return model.tokenToId(bytes).map(Int.init)
    }

    /// transformers' `convert_tokens_to_ids`: unknown tokens map to the unknown id (-1 if none).
    public func convertTokensToIds(_ tokens: [String]) -> [Int] {
        tokens.map { tokenToId($0) ?? unknownTokenId ?? -1 }
    }

    /// The token for `id`, or nil when no piece has that id.
    public func idToToken(_ id: Int) -> String? {
        if let s = addedById[id] { return s }
        return model.idToToken(id)
    }

    /// transformers' `convert_ids_to_tokens`; an id outside the vocabulary is an error.
    public func convertIdsToTokens(_ ids: [Int]) throws -> [String] {
        try ids.map { id in
            guard let t = idToToken(id) else {
                throw TokenizerError(.malformed, "token id \(id) is not in the vocabulary of \(count)", file: file)
            }
            return t
        }
    }

    /// transformers' `convert_tokens_to_string`: the decoder applied to the token strings.
    public func convertTokensToString(_ tokens: [String]) -> String {
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }
}
