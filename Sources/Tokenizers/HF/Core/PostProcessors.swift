/// HF `TemplateProcessing` (single template), `BertProcessing` and `RobertaProcessing`: the
/// special-token ids and pieces placed before and after the sequence.
struct TemplatePostProcessor: HFPostProcessor {
    enum Item: Sendable { case sequence, special(ids: [Int32], tokens: [String]) }
    let items: [Item]

    func processSingle(_ ids: [Int32], pieces: [[UInt8]]?) -> (ids: [Int32], pieces: [[UInt8]]?) {
        var outIds: [Int32] = []
        outIds.reserveCapacity(ids.count + 4)
        var outPieces: [[UInt8]]? = pieces == nil ? nil : []
        for item in items {
            switch item {
            case .sequence:
                outIds.append(contentsOf: ids)
                if let p = pieces { outPieces!.append(contentsOf: p) }
            case .special(let sids, let tokens):
                outIds.append(contentsOf: sids)
                if outPieces != nil { outPieces!.append(contentsOf: tokens.map { Array($0.utf8) }) }
            }
        }
        return (outIds, outPieces)
    }

    static func make(_ node: JSONNode) throws -> TemplatePostProcessor {
        let type = try node.type()
        switch type {
        case "TemplateProcessing":
            let specials = try node.required("special_tokens")
            var table: [String: (ids: [Int32], tokens: [String])] = [:]
            for (name, _) in try specials.members() {
                let entry = try specials.required(name)
                let ids = try entry.required("ids").array().map { try $0.tokenId() }
                let tokens = try entry.required("tokens").array().map { try $0.string() }
                table[name] = (ids, tokens)
            }
            let items: [Item] = try node.required("single").array().map { piece in
                if let seq = try piece.optional("Sequence") {
                    guard try seq.string("id") == "A" else { throw seq.malformed("single template may only use A", at: "id") }
                    return .sequence
                }
                if let sp = try piece.optional("SpecialToken") {
                    let name = try sp.string("id")
                    guard let e = table[name] else { throw sp.malformed("\(name.debugDescription) not in special_tokens", at: "id") }
                    return .special(ids: e.ids, tokens: e.tokens)
                }
                throw piece.malformed("expected Sequence or SpecialToken")
            }
            return TemplatePostProcessor(items: items)
        case "BertProcessing", "RobertaProcessing":
            func pair(_ key: String) throws -> Item {
                let arr = try node.required(key).array()
                guard arr.count == 2 else { throw node.malformed("expected [token, id]", at: key) }
                return .special(ids: [try arr[1].tokenId()], tokens: [try arr[0].string()])
            }
            return TemplatePostProcessor(items: [try pair("cls"), .sequence, try pair("sep")])
        default:
            throw node.unsupported("unsupported post_processor type \(type.debugDescription)", at: "type")
        }
    }
}
