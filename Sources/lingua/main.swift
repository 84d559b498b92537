import LinguaCLI

await Lingua.start()
