-- Reference data the product ships: the five frameworks ruleIQ assesses against, with fixed ids
-- (the same in every database, so exports, backups and sample data agree) and their key fields.
-- A framework already present under the same code (entered by hand before this release) is kept
-- as it is.
-- depends: 0015.compliance.validate-input-checks

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

INSERT INTO compliance.compliance_frameworks (id, code, name, version, category, description)
VALUES
    ('0194a5e0-0000-7000-8000-000000000001', 'gdpr', 'General Data Protection Regulation', 'Regulation (EU) 2016/679', 'Data protection', 'EU regulation on the processing of personal data: lawful basis, data subject rights, records of processing, breach notification within 72 hours, data protection by design.'),
    ('0194a5e0-0000-7000-8000-000000000002', 'iso27001', 'ISO/IEC 27001 Information Security Management', '2022', 'Information security', 'Requirements for an information security management system: risk assessment and treatment, Statement of Applicability, the 93 Annex A controls, internal audit and management review.'),
    ('0194a5e0-0000-7000-8000-000000000003', 'soc2', 'SOC 2', '2017 Trust Services Criteria (revised 2022)', 'Service organization controls', 'AICPA attestation on a service organization''s controls for security and, as chosen, availability, processing integrity, confidentiality and privacy (Type I or Type II).'),
    ('0194a5e0-0000-7000-8000-000000000004', 'hipaa', 'Health Insurance Portability and Accountability Act', '45 CFR Parts 160 and 164', 'Health data privacy', 'US rules protecting health information: the Privacy Rule, the Security Rule (administrative, physical and technical safeguards) and the Breach Notification Rule.'),
    ('0194a5e0-0000-7000-8000-000000000005', 'pci-dss', 'Payment Card Industry Data Security Standard', '4.0.1', 'Payment card security', 'Security requirements for entities that store, process or transmit cardholder data: 12 requirements covering network security, data protection, vulnerability management, access control, monitoring and policy.')
ON CONFLICT (code) DO NOTHING;
