import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * EPUBCheck's own command line (EpubChecker.run, the jar's main), run once per
 * EPUB path read from stdin, in one JVM: starting a JVM and loading EPUBCheck's
 * schemas costs ~13 s of CPU, a warm check of a book about one. For each path
 * it writes "<exit code> <report length in bytes>\n" and then the report the
 * command line would have printed (stdout and stderr). Run by
 * tests/support/epubcheck-server.ts with Java's source launcher.
 */
public class EpubCheckServer {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    String path;
    while ((path = in.readLine()) != null) {
      ByteArrayOutputStream report = new ByteArrayOutputStream();
      PrintStream capture = new PrintStream(report, true, StandardCharsets.UTF_8);
      System.setOut(capture);
      System.setErr(capture);
      int code;
      try {
        code = new EpubChecker().run(new String[] { path });
      } catch (Throwable error) {
        error.printStackTrace(capture);
        code = 4;
      }
      capture.flush();
      byte[] bytes = report.toByteArray();
      out.print(code + " " + bytes.length + "\n");
      out.write(bytes, 0, bytes.length);
      out.flush();
    }
  }
}
