// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mindbeat",
    products: [
        .executable(name: "mindbeat", targets: ["mindbeat"])
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(
            name: "MindbeatCore",
            dependencies: ["CSQLite", "CSodium"]
        ),
        .target(
            name: "MindbeatCLI",
            dependencies: ["MindbeatCore"]
        ),
        .executableTarget(
            name: "mindbeat",
            dependencies: ["MindbeatCLI"]
        ),
        // What every test target shares: temporary directories, files, a
        // clock the test moves, zones with a daylight-saving change, and time
        // values that fail the test when malformed.
        .target(
            name: "TestSupport",
            dependencies: ["MindbeatCore"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "MindbeatCoreTests",
            dependencies: ["MindbeatCore", "TestSupport"]
        ),
        .testTarget(
            name: "MindbeatCLITests",
            dependencies: ["MindbeatCLI", "MindbeatCore", "TestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["mindbeat", "TestSupport"]
        ),
    ]
)
