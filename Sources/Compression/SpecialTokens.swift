import Foundation

/// llmlingua's `special_tokens` set: the values of transformers' `special_tokens_map` (bos, eos,
/// unk, sep, pad, cls, mask — not `additional_special_tokens`), after `load_model` has set
/// `pad_token_id = config.pad_token_id or eos_token_id`. For BERT (pad id 0 is falsy, no eos) that
/// removes the pad token: the set is `{[CLS], [SEP], [UNK], [MASK]}` (quirk Q3); XLM-R keeps
/// `{<s>, </s>, <unk>, <pad>, <mask>}`. Read from `special_tokens_map.json`, else
/// `tokenizer_config.json`, else the family's usual tokens.
enum SpecialTokens {
    static let keys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    static func load(directory: URL, family: CompressorFamily, configPadTokenId: Int?,
                     tokenizer: any PieceTokenizer) throws -> Set<String> {
        var map: [String: String] = [:]
        var found = false
        for name in ["special_tokens_map.json", "tokenizer_config.json"] where !found {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) } catch {
                throw CompressionError(.tokenizer, "\(url.path): not valid JSON: \(error.localizedDescription)")
            }
            guard let dict = object as? [String: Any] else {
                throw CompressionError(.tokenizer, "\(url.path): expected a JSON object")
            }
            found = true
            for key in keys {
                if let s = dict[key] as? String { map[key] = s }
                else if let d = dict[key] as? [String: Any], let s = d["content"] as? String { map[key] = s }
            }
        }
        if !found {
            switch family {
            case .bert:
                map = ["unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"]
            case .xlmRoberta:
                map = ["bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                       "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"]
            }
        }
        // tokenizer.pad_token_id = config.pad_token_id if config.pad_token_id else tokenizer.eos_token_id
        let padId: Int?
        if let id = configPadTokenId, id != 0 {
            padId = id
        } else {
            padId = map["eos_token"].flatMap { tokenizer.tokenToId($0) }
        }
        if let padId, let t = try? tokenizer.convertIdsToTokens([padId]).first {
            map["pad_token"] = t
        } else {
            map["pad_token"] = nil
        }
        return Set(map.values)
    }
}
