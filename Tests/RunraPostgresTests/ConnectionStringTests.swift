import Testing

@testable import RunraPostgres

@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("postgresql://u:secret@db.example.com/app", "postgresql://u:***@db.example.com/app"),
        ("postgres://u:p%3Aw@h:5433/db?sslmode=require", "postgres://u:***@h:5433/db?sslmode=require"),
        ("postgresql://u:pa@ss/word@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        (
            "postgresql://h/db?user=u&password=secret&sslmode=disable",
            "postgresql://h/db?user=u&password=***&sslmode=disable"
        ),
        ("postgresql:///db?host=/var/run/postgresql", "postgresql:///db?host=/var/run/postgresql"),
        ("host=h user=u password=secret dbname=d", "host=h user=u password=*** dbname=d"),
        ("host=h password = 'a b\\'c' dbname=d", "host=h password = *** dbname=d"),
        ("password=secret", "password=***"),
        ("host=h dbname=d", "host=h dbname=d"),
        ("", ""),
    ])
    func masksThePassword(input: String, expected: String) {
        #expect(ConnectionString.masked(input) == expected)
    }

    @Test func collectsThePasswordsForScrubbing() {
        #expect(ConnectionString.passwords(in: "postgresql://u:s3cret@h/db") == ["s3cret"])
        #expect(ConnectionString.passwords(in: "host=h password='a b' user=u") == ["a b"])
        #expect(ConnectionString.passwords(in: "postgresql://h/db?password=xyz") == ["xyz"])
        #expect(ConnectionString.passwords(in: "host=h").isEmpty)
    }

    @Test func errorDescriptionsScrubAKnownPassword() {
        let error = PostgresError(
            .connectionFailed,
            context: "connecting",
            serverMessage: "missing \"=\" after \"hunter2\" in connection info"
        ).scrubbing("hunter2")
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.contains("***"))
    }
}

@Suite struct PostgresIdentifierTests {
    @Test(arguments: [
        ("events", "\"events\""),
        ("Events", "\"Events\""),
        ("my\"table", "\"my\"\"table\""),
        ("schema.table", "\"schema.table\""),
        ("x\"; DROP TABLE y; --", "\"x\"\"; DROP TABLE y; --\""),
    ])
    func quotesLikePQescapeIdentifier(name: String, expected: String) {
        #expect(PostgresIdentifier.quote(name) == expected)
    }

    @Test func qualifiesSchemaAndTableSeparately() {
        #expect(PostgresIdentifier.qualified(schema: "public", "runra_events") == "\"public\".\"runra_events\"")
        #expect(PostgresIdentifier.qualified(schema: "a.b", "c") == "\"a.b\".\"c\"")
        #expect(PostgresIdentifier.qualified(schema: nil, "c") == "\"c\"")
    }
}

@Suite struct SSLModeTests {
    @Test func booleansMapPerSpec() {
        #expect(SSLMode(flag: true) == .require)
        #expect(SSLMode(flag: false) == .disable)
    }

    @Test func stringsAreLibpqModes() {
        #expect(SSLMode(rawValue: "verify-full") == .verifyFull)
        #expect(SSLMode(rawValue: "Prefer") == .prefer)
        #expect(SSLMode(rawValue: "bogus") == nil)
        #expect(SSLMode.all.map(\.rawValue) == ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
    }
}
