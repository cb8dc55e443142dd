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
        .testTarget(
            name: "MindbeatCoreTests",
            dependencies: ["MindbeatCore"]
        ),
        .testTarget(
            name: "MindbeatCLITests",
            dependencies: ["MindbeatCLI", "MindbeatCore"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["mindbeat"]
        ),
    ]
)
