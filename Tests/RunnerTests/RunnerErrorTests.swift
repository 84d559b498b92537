import Testing
import Runner

@Test func runnerErrorNamesFileLineAndKey() {
    let e = RunnerError(.config, "unknown key", file: "Jobs/x.yaml", key: "execution.wrokers", line: 12)
    #expect(e.description == "Jobs/x.yaml:12: key 'execution.wrokers': unknown key")
}
