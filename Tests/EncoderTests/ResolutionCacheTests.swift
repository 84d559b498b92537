import Foundation
import Testing
import TestSupport
@testable import Encoder

@Suite struct ResolutionSettingsTests {
    @Test func cacheFolderPrecedence() {
        let home = "/home/u"
        #expect(HubSettings(environment: ["HOME": home]).cacheDirectory.path == "/home/u/.cache/huggingface/hub")
        #expect(HubSettings(environment: ["HOME": home, "XDG_CACHE_HOME": "/xdg"]).cacheDirectory.path == "/xdg/huggingface/hub")
        #expect(HubSettings(environment: ["HOME": home, "XDG_CACHE_HOME": "/xdg", "HF_HOME": "~/hf"]).cacheDirectory.path == "/home/u/hf/hub")
        #expect(HubSettings(environment: ["HOME": home, "HF_HOME": "/hf", "HUGGINGFACE_HUB_CACHE": "/legacy"]).cacheDirectory.path == "/legacy")
        #expect(HubSettings(environment: ["HOME": home, "HF_HOME": "/hf", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HUB_CACHE": "/hc"]).cacheDirectory.path == "/hc")
        #expect(HubSettings(environment: ["HOME": home, "HF_HOME": "/hf", "HF_HUB_CACHE": ""]).cacheDirectory.path == "/hf/hub")
    }

    @Test func endpointOfflineAndToken() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let base = HubSettings(environment: ["HOME": tmp.url.path])
        #expect(base.endpoint == "https://huggingface.co")
        #expect(!base.offline && !base.hasToken)
        #expect(HubSettings(environment: ["HF_ENDPOINT": "http://mirror.local:8080//"]).endpoint == "http://mirror.local:8080")
        for v in ["1", "true", "TRUE", "yes", "on"] { #expect(HubSettings(environment: ["HF_HUB_OFFLINE": v]).offline) }
        for v in ["0", "false", "", "no"] { #expect(!HubSettings(environment: ["HF_HUB_OFFLINE": v]).offline) }
        #expect(HubSettings(environment: ["TRANSFORMERS_OFFLINE": "1"]).offline)
        #expect(HubSettings(environment: ["HF_TOKEN": "hf_x"]).token == "hf_x")
        // The file `huggingface-cli login` writes, read when no variable is set.
        let hfHome = tmp.sub("hf")
        try FileManager.default.createDirectory(at: hfHome, withIntermediateDirectories: true)
        try Data("hf_stored\n".utf8).write(to: hfHome.appendingPathComponent("token"))
        #expect(HubSettings(environment: ["HF_HOME": hfHome.path]).token == "hf_stored")
        #expect(HubSettings(environment: ["HF_HOME": hfHome.path, "HF_TOKEN": "hf_env"]).token == "hf_env")
    }
}

@Suite struct ResolutionCacheTests {
    @Test func refsMainLeadsToTheSnapshot() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let cacheRoot = tmp.sub("hf/hub")
        try ResolutionFixture.cache("acme/tiny", at: cacheRoot, commit: ResolutionFixture.commitA)
        let env = ResolutionFixture.env(["HF_HOME": tmp.sub("hf").path, "HF_HUB_OFFLINE": "1"], home: tmp.url)
        let model = try ModelResolver(environment: env).resolve("acme/tiny")
        #expect(model.origin == .hubCache)
        #expect(model.repoId == "acme/tiny")
        #expect(model.revision == ResolutionFixture.commitA)
        #expect(model.requestedRevision == "main")
        #expect(model.directory.path == cacheRoot.path + "/models--acme--tiny/snapshots/" + ResolutionFixture.commitA)
        // Snapshot entries are relative symlinks into blobs/, as huggingface_hub makes them.
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: model.weightsURL.path)
        #expect(link.hasPrefix("../../blobs/"))
        #expect(model.fingerprint == (try ModelFingerprint.compute(directory: FixturePaths.tinyBERT)))
    }

    @Test func commitHashAndNamedRefs() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let cacheRoot = tmp.sub("cache")
        try ResolutionFixture.cache("acme/tiny", at: cacheRoot, commit: ResolutionFixture.commitA, ref: nil)
        try ResolutionFixture.cache("acme/tiny", at: cacheRoot, commit: ResolutionFixture.commitB, ref: "v2")
        // No refs/main at all: a commit hash needs no ref, and a pinned, complete commit needs no network
        // (the endpoint below refuses connections).
        let env = ResolutionFixture.env(["HF_HUB_CACHE": cacheRoot.path, "HF_ENDPOINT": "http://127.0.0.1:9"], home: tmp.url)
        let resolver = ModelResolver(environment: env, options: ResolutionFixture.options)
        let pinned = try resolver.resolve("acme/tiny@" + ResolutionFixture.commitA)
        #expect(pinned.revision == ResolutionFixture.commitA)
        #expect(pinned.warnings.isEmpty)
        var offline = env
        offline["HF_HUB_OFFLINE"] = "1"
        let tagged = try ModelResolver(environment: offline).resolve("acme/tiny@v2")
        #expect(tagged.revision == ResolutionFixture.commitB)
        #expect(tagged.directory.lastPathComponent == ResolutionFixture.commitB)
    }

    @Test func hubCacheBeatsHFHome() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        try ResolutionFixture.cache("acme/tiny", at: tmp.sub("hf/hub"), commit: ResolutionFixture.commitA)
        try ResolutionFixture.cache("acme/tiny", at: tmp.sub("elsewhere"), commit: ResolutionFixture.commitB)
        var env = ResolutionFixture.env(["HF_HOME": tmp.sub("hf").path, "HF_HUB_OFFLINE": "1"], home: tmp.url)
        #expect(try ModelResolver(environment: env).resolve("acme/tiny").revision == ResolutionFixture.commitA)
        env["HF_HUB_CACHE"] = tmp.sub("elsewhere").path
        #expect(try ModelResolver(environment: env).resolve("acme/tiny").revision == ResolutionFixture.commitB)
    }

    @Test func offlineWithNothingCachedSaysWhatToRun() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        let cacheRoot = tmp.sub("hub")
        let env = ResolutionFixture.env(["HF_HUB_CACHE": cacheRoot.path, "HF_HUB_OFFLINE": "1"], home: tmp.url)
        let error = #expect(throws: EncoderError.self) { try ModelResolver(environment: env).resolve("acme/tiny") }
        #expect(error?.code == .offline)
        let message = error?.message ?? ""
        #expect(message.contains("huggingface-cli download acme/tiny --include config.json tokenizer.json model.safetensors"))
        #expect(message.contains("--cache-dir \(cacheRoot.path)"))
        #expect(message.contains(cacheRoot.appendingPathComponent("models--acme--tiny").path))
        #expect(message.contains("unset HF_HUB_OFFLINE"))

        // A snapshot without the weights: the message names what is missing, and the revision.
        try ResolutionFixture.cache("acme/tiny", at: cacheRoot, commit: ResolutionFixture.commitA, ref: "v1",
                                    files: ["config.json", "tokenizer.json"])
        let partial = #expect(throws: EncoderError.self) { try ModelResolver(environment: env).resolve("acme/tiny@v1") }
        #expect(partial?.message.contains("lacks model.safetensors") == true)
        #expect(partial?.message.contains("--revision v1") == true)
    }

    @Test func unreachableHubFallsBackToACompleteCache() throws {
        let tmp = try TempFolder(prefix: "lingua-res")
        try ResolutionFixture.cache("acme/tiny", at: tmp.sub("hub"), commit: ResolutionFixture.commitA)
        let env = ResolutionFixture.env(["HF_HUB_CACHE": tmp.sub("hub").path, "HF_ENDPOINT": "http://127.0.0.1:9"], home: tmp.url)
        let model = try ModelResolver(environment: env, options: ResolutionFixture.options).resolve("acme/tiny")
        #expect(model.revision == ResolutionFixture.commitA)
        #expect(model.warnings.count == 1)
        #expect(model.warnings.first?.contains("could not reach http://127.0.0.1:9") == true)

        // Nothing cached and no Hub: a download error naming the URL.
        let error = #expect(throws: EncoderError.self) {
            try ModelResolver(environment: env, options: ResolutionFixture.options).resolve("acme/other")
        }
        #expect(error?.code == .download)
        #expect(error?.file == "http://127.0.0.1:9/acme/other/resolve/main/config.json")
    }
}
