import LinguaCLI

await Lingua.main()
