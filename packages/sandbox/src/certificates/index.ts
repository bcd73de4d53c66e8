export {
  buildCertificate,
  CERTIFICATE_VERSION,
  type CertificateData,
  type CertificateJson,
  type CertificateTime,
} from './certificate';
export { renderCertificatePdf } from './certificate-pdf';
