import Foundation
import Testing
import TestSupport
@testable import Encoder

/// Downloads from a real HTTP server on loopback (Tests/Fixtures/hub/hub_server.py) that mirrors the
/// Hub's resolve endpoint, CDN redirect for LFS files, error headers and Range support.
@Suite struct ResolutionDownloadTests {
    /// One test's world: a served repo `acme/tiny`, an empty cache and a resolver pointed at both.
    struct World {
        let tmp: TempFolder
        let server: HubServer
        var env: [String: String]
        var cacheRoot: URL { tmp.sub("cache") }
        var cache: HubCache { HubCache(root: cacheRoot, repoId: "acme/tiny") }
        var resolver: ModelResolver { ModelResolver(environment: env, options: ResolutionFixture.options) }

        init(serverArgs: [String] = [], files: [String] = ResolutionFixture.served,
             commit: String = ResolutionFixture.commitA, token: String? = nil) throws {
            tmp = try TempFolder(prefix: "lingua-res")
            try ResolutionFixture.publish("acme/tiny", in: tmp.sub("root"), files: files)
            server = try HubServer(root: tmp.sub("root"), commit: commit, extra: serverArgs, workDir: tmp.url)
            env = ResolutionFixture.env(["HF_HUB_CACHE": tmp.sub("cache").path, "HF_ENDPOINT": server.endpoint], home: tmp.url)
            if let token { env["HF_TOKEN"] = token }
        }

        var weightsSHA: String { get throws { try FileDigest.sha256(of: FixturePaths.tinyBERT.appendingPathComponent("model.safetensors")) } }
    }

    static let weightsSize = 407_680

    @Test func downloadsIntoTheHubLayout() throws {
        let w = try World()
        let model = try w.resolver.resolve("acme/tiny")
        let commit = ResolutionFixture.commitA
        #expect(model.origin == .hubDownload)
        #expect(model.revision == commit)
        #expect(model.directory.path == w.cache.snapshot(commit).path)
        let sha = try w.weightsSHA
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: model.weightsURL.path) == "../../blobs/" + sha)
        #expect(try Data(contentsOf: w.cache.blob(sha)) == Data(contentsOf: FixturePaths.tinyBERT.appendingPathComponent("model.safetensors")))
        for f in ResolutionFixture.served {
            #expect(try Data(contentsOf: model.directory.appendingPathComponent(f)) == Data(contentsOf: FixturePaths.tinyBERT.appendingPathComponent(f)))
        }
        #expect(try String(contentsOf: w.cache.refFile("main"), encoding: .utf8) == commit)
        #expect(w.cache.isMarkedMissing(commit, "tokenizer_config.json"))  // optional, 404 on the server
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: w.cache.blobs.path).filter { $0.hasSuffix(".incomplete") }
        #expect(leftovers.isEmpty)
        #expect(model.fingerprint == (try ModelFingerprint.compute(directory: FixturePaths.tinyBERT)))
        // The weights came through the CDN redirect, without a token to send.
        let log = try w.server.log()
        #expect(log.contains { $0.method == "GET" && $0.path.hasPrefix("/cdn/" + sha) && $0.status == 200 })
        #expect(log.allSatisfy { $0.auth == nil })

        // A second run asks once whether main moved, and downloads nothing.
        let before = log.count
        let again = try w.resolver.resolve("acme/tiny")
        #expect(again.origin == .hubCache && again.directory == model.directory)
        let newRequests = try w.server.log().dropFirst(before)
        #expect(newRequests.map(\.method) == ["HEAD"])
    }

    @Test func resumesATruncatedTransferWithRange() throws {
        let w = try World(serverArgs: ["--truncate", "model.safetensors:100000"])
        let model = try w.resolver.resolve("acme/tiny")
        #expect(try FileDigest.sha256(of: model.weightsURL) == w.weightsSHA)
        let gets = try w.server.log().filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }
        #expect(gets.map(\.range) == [nil, "bytes=100000-"])
        #expect(gets.map(\.status) == [200, 206])
    }

    @Test func resumesAnEarlyCloseThatLookedComplete() throws {
        let w = try World(serverArgs: ["--truncate", "model.safetensors:120000", "--quiet-truncate"])
        let model = try w.resolver.resolve("acme/tiny")
        #expect(try FileDigest.sha256(of: model.weightsURL) == w.weightsSHA)
        let gets = try w.server.log().filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }
        #expect(gets.map(\.range) == [nil, "bytes=120000-"])
    }

    @Test func retriesServerErrors() throws {
        let w = try World(serverArgs: ["--fail-content", "2"])
        let model = try w.resolver.resolve("acme/tiny")
        #expect(model.origin == .hubDownload)
        #expect(try w.server.log().filter { $0.status == 503 }.count == 2)

        let down = try World(serverArgs: ["--fail-content", "3"])
        let error = #expect(throws: EncoderError.self) { try down.resolver.resolve("acme/tiny") }
        #expect(error?.code == .download && error?.message.contains("HTTP 503") == true)
    }

    @Test func aFailingOptionalFileIsOnlyAWarning() throws {
        let w = try World(serverArgs: ["--truncate", "special_tokens_map.json:100:10"])
        let model = try w.resolver.resolve("acme/tiny")
        #expect(model.optionalFile("special_tokens_map.json") == nil)
        #expect(model.warnings.count == 1 && model.warnings[0].contains("special_tokens_map.json"))
        #expect(try String(contentsOf: w.cache.refFile("main"), encoding: .utf8) == ResolutionFixture.commitA)
    }

    @Test func keepsThePartialFileForTheNextRun() throws {
        let w = try World(serverArgs: ["--truncate", "model.safetensors:150000:2"])
        var options = ResolutionFixture.options
        options.maxRetries = 1
        let resolver = ModelResolver(environment: w.env, options: options)
        let error = #expect(throws: EncoderError.self) { try resolver.resolve("acme/tiny") }
        #expect(error?.code == .download)
        #expect(error?.item == "model.safetensors")
        #expect(error?.message.contains("is kept") == true)
        let part = w.cache.incomplete(try w.weightsSHA)
        #expect(try FileDigest.size(of: part) == 300_000)  // two cut responses, the second one resumed
        #expect(!FileManager.default.fileExists(atPath: w.cache.refFile("main").path))

        let model = try resolver.resolve("acme/tiny")
        #expect(model.origin == .hubDownload)
        #expect(try FileDigest.sha256(of: model.weightsURL) == w.weightsSHA)
        #expect(!FileManager.default.fileExists(atPath: part.path))
        let last = try w.server.log().last { $0.path.hasPrefix("/cdn/") }
        #expect(last?.range == "bytes=300000-" && last?.status == 206)
    }

    @Test func restartsWhenTheServerIgnoresRange() throws {
        let w = try World(serverArgs: ["--no-range"])
        let part = w.cache.incomplete(try w.weightsSHA)
        try FileManager.default.createDirectory(at: w.cache.blobs, withIntermediateDirectories: true)
        try Data(repeating: 0xEE, count: 5000).write(to: part)  // not even a prefix of the real file
        let model = try w.resolver.resolve("acme/tiny")
        #expect(try FileDigest.sha256(of: model.weightsURL) == w.weightsSHA)
        let get = try w.server.log().first { $0.path.hasPrefix("/cdn/") }
        #expect(get?.range == "bytes=5000-" && get?.status == 200)
    }

    @Test func startsOverWhenA206StartsElsewhere() throws {
        let w = try World(serverArgs: ["--bad-range"])
        let part = w.cache.incomplete(try w.weightsSHA)
        try FileManager.default.createDirectory(at: w.cache.blobs, withIntermediateDirectories: true)
        try Data(contentsOf: FixturePaths.tinyBERT.appendingPathComponent("model.safetensors")).prefix(5000).write(to: part)
        let model = try w.resolver.resolve("acme/tiny")
        #expect(try FileDigest.sha256(of: model.weightsURL) == w.weightsSHA)
        let gets = try w.server.log().filter { $0.path.hasPrefix("/cdn/") }
        #expect(gets.map(\.range) == ["bytes=5000-", nil])
    }

    @Test func corruptDownloadIsRejectedAndRemoved() throws {
        let w = try World(serverArgs: ["--corrupt", "model.safetensors"])
        let error = #expect(throws: EncoderError.self) { try w.resolver.resolve("acme/tiny") }
        #expect(error?.code == .integrity)
        #expect(error?.item == "model.safetensors")
        #expect(error?.message.contains(try w.weightsSHA) == true)
        let sha = try w.weightsSHA
        #expect(!FileManager.default.fileExists(atPath: w.cache.blob(sha).path))
        #expect(!FileManager.default.fileExists(atPath: w.cache.incomplete(sha).path))
        #expect(!w.cache.has(ResolutionFixture.commitA, "model.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: w.cache.refFile("main").path))
    }

    @Test func sendsHFTokenAsBearerToTheHubOnly() throws {
        // The CDN redirect names another host ("localhost"), which must not see the token.
        let w = try World(serverArgs: ["--token", "hf_test_secret", "--cdn-host", "localhost"], token: "hf_test_secret")
        _ = try w.resolver.resolve("acme/tiny")
        let log = try w.server.log()
        let resolves = log.filter { $0.path.hasPrefix("/acme/tiny/resolve/") }
        #expect(!resolves.isEmpty)
        #expect(resolves.allSatisfy { $0.auth == "Bearer hf_test_secret" && $0.status != 401 })
        let cdn = log.filter { $0.path.hasPrefix("/cdn/") }
        #expect(cdn.count == 1 && cdn.allSatisfy { $0.auth == nil && $0.status == 200 })
        // Nothing in the cache holds the token.
        let enumerator = FileManager.default.enumerator(at: w.cacheRoot, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let text = try? String(contentsOf: url, encoding: .utf8) { #expect(!text.contains("hf_test_secret")) }
        }

        var anonymous = w.env
        anonymous["HF_TOKEN"] = nil
        anonymous["HF_HUB_CACHE"] = w.tmp.sub("cache2").path
        let error = #expect(throws: EncoderError.self) {
            try ModelResolver(environment: anonymous, options: ResolutionFixture.options).resolve("acme/tiny")
        }
        #expect(error?.code == .accessDenied)
        #expect(error?.message.contains("HF_TOKEN") == true)
        #expect(error?.description.contains("hf_test_secret") == false)

        var wrong = anonymous
        wrong["HF_TOKEN"] = "hf_wrong"
        let denied = #expect(throws: EncoderError.self) {
            try ModelResolver(environment: wrong, options: ResolutionFixture.options).resolve("acme/tiny")
        }
        #expect(denied?.message.contains("an HF_TOKEN was sent") == true)
        #expect(denied?.description.contains("hf_wrong") == false)
    }

    @Test func unknownRepoRevisionAndFileAreClearErrors() throws {
        let w = try World(files: ["config.json", "tokenizer.json"])
        let repo = #expect(throws: EncoderError.self) { try w.resolver.resolve("acme/missing") }
        #expect(repo?.code == .notFound)
        #expect(repo?.message.contains("acme/missing") == true && repo?.message.contains("HF_TOKEN") == true)
        #expect(repo?.file == w.server.endpoint + "/acme/missing/resolve/main/config.json")

        let rev = #expect(throws: EncoderError.self) { try w.resolver.resolve("acme/tiny@nope") }
        #expect(rev?.code == .notFound && rev?.message.contains("revision \"nope\"") == true)

        let file = #expect(throws: EncoderError.self) { try w.resolver.resolve("acme/tiny") }
        #expect(file?.code == .notFound && file?.item == "model.safetensors")
        #expect(file?.message.contains("has no model.safetensors") == true)
    }

    @Test func followsMainToANewCommitReusingBlobs() throws {
        let w = try World()
        _ = try w.resolver.resolve("acme/tiny")
        // The same files published under a new commit: only metadata requests, no content.
        let moved = try HubServer(root: w.tmp.sub("root"), commit: ResolutionFixture.commitB, workDir: w.tmp.url)
        var env = w.env
        env["HF_ENDPOINT"] = moved.endpoint
        let model = try ModelResolver(environment: env, options: ResolutionFixture.options).resolve("acme/tiny")
        #expect(model.revision == ResolutionFixture.commitB)
        #expect(model.origin == .hubCache)
        #expect(try String(contentsOf: w.cache.refFile("main"), encoding: .utf8) == ResolutionFixture.commitB)
        #expect(try moved.log().allSatisfy { $0.method == "HEAD" })
        #expect(w.cache.has(ResolutionFixture.commitB, "model.safetensors"))
    }

    @Test func asyncCallersResolveOffThePool() async throws {
        let w = try World()
        let model = try await w.resolver.resolveInBackground("acme/tiny")
        #expect(model.origin == .hubDownload)
        let failure = await #expect(throws: EncoderError.self) { try await w.resolver.resolveInBackground("acme/missing") }
        #expect(failure?.code == .notFound)
    }

    @Test func concurrentResolversShareOneDownload() throws {
        let w = try World()
        let resolver = w.resolver
        let results = DownloadResultBox()
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            results.add(Result { try resolver.resolve("acme/tiny") })
        }
        let models = try results.all.map { try $0.get() }
        #expect(models.count == 3)
        #expect(Set(models.map(\.fingerprint)).count == 1)
        let contentGets = try w.server.log().filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }
        #expect(contentGets.count == 1)
    }
}

/// Collects results from concurrent workers.
private final class DownloadResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<ResolvedModel, any Error>] = []
    func add(_ r: Result<ResolvedModel, any Error>) { lock.lock(); items.append(r); lock.unlock() }
    var all: [Result<ResolvedModel, any Error>] { lock.lock(); defer { lock.unlock() }; return items }
}
